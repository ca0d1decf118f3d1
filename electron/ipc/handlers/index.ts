// All handlers, one per contract channel (HandlerMap makes a missing one a compile error).
import type { HandlerMap } from '../register';
import type { Services } from '../services';
import { appHandlers } from './app';
import { editHandlers } from './edits';
import { fileHandlers } from './files';
import { transferHandlers } from './transfers';

export function createHandlers(services: Services): HandlerMap {
  return { ...appHandlers(services), ...fileHandlers(services), ...transferHandlers(services), ...editHandlers(services) };
}
