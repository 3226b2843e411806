import type {ClassIo} from '../class.js';
import {usageError} from '../args.js';

/** Placeholder until the class command 'down' is written. */
export async function downCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	void argv;
	void io;
	await Promise.resolve();
	return usageError('registry-lab class down', 'not available yet.').exitCode;
}
