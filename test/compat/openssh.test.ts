// The compatibility suite (./suite.ts) against the test bed's openssh server.
import { compatSuite } from './suite';

compatSuite('openssh');
