import type {ClassIo} from '../class.js';
import {usageError} from '../args.js';

/** Placeholder until the class command 'add' is written. */
export async function addCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	void argv;
	void io;
	await Promise.resolve();
	return usageError('registry-lab class add', 'not available yet.').exitCode;
}
