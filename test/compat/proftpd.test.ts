// The compatibility suite (./suite.ts) against the test bed's proftpd server.
import { compatSuite } from './suite';

compatSuite('proftpd');
