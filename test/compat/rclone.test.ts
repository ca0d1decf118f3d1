// The compatibility suite (./suite.ts) against the test bed's rclone server.
import { compatSuite } from './suite';

compatSuite('rclone');
