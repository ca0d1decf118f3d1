// The compatibility suite (./suite.ts) against the test bed's scripted server.
import { compatSuite } from './suite';

compatSuite('scripted');
