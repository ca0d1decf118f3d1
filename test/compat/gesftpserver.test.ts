// The compatibility suite (./suite.ts) against the test bed's gesftpserver server.
import { compatSuite } from './suite';

compatSuite('gesftpserver');
