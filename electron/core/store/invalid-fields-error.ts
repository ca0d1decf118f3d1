// A validation failure the UI can point at: INVALID_ARGUMENT plus the offending field paths.
import { SkiffError } from '../errors';
import { formatIssue, type StoreIssue } from './json-file-store';

/** INVALID_ARGUMENT naming the field(s) (e.g. "host", "port") so a form can mark them. */
export class InvalidFieldsError extends SkiffError {
  readonly issues: StoreIssue[];
  /** The first offending field. */
  readonly field: string;

  constructor(what: string, issues: StoreIssue[]) {
    super('INVALID_ARGUMENT', `Invalid ${what}: ${issues.map(formatIssue).join('; ')}`);
    this.name = 'InvalidFieldsError';
    this.issues = issues;
    this.field = issues[0]?.path ?? '';
  }
}
