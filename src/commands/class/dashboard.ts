import type {ClassIo} from '../class.js';
import {usageError} from '../args.js';

/** Placeholder until the class command 'dashboard' is written. */
export async function dashboardCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	void argv;
	void io;
	await Promise.resolve();
	return usageError('registry-lab class dashboard', 'not available yet.').exitCode;
}
