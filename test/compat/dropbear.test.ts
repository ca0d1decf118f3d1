// The compatibility suite (./suite.ts) against the test bed's dropbear server.
import { compatSuite } from './suite';

compatSuite('dropbear');
