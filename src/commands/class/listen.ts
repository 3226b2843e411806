import type {ClassIo} from '../class.js';
import {usageError} from '../args.js';

/** Placeholder until the class command 'listen' is written. */
export async function listenCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	void argv;
	void io;
	await Promise.resolve();
	return usageError('registry-lab class listen', 'not available yet.').exitCode;
}
