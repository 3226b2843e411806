import type {ClassIo} from '../class.js';
import {usageError} from '../args.js';

/** Placeholder until the class command 'init' is written. */
export async function initCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	void argv;
	void io;
	await Promise.resolve();
	return usageError('registry-lab class init', 'not available yet.').exitCode;
}
