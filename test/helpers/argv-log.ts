import {chmod, mkdtemp, readFile, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {runCommand} from '../../src/run/run-command.js';

/**
 * A stand-in for the engine program that writes each argv it is given to a log,
 * then runs the real program with the same arguments and stdin: proof of what reached argv.
 */
export async function argvRecorder(program = 'docker'): Promise<{bin: string; argvLog: () => Promise<string>}> {
	const which = await runCommand({file: 'sh', args: ['-c', 'command -v "$0"', program]});
	const real = which.stdout.trim();
	if (!real) throw new Error(`${program} is not on PATH`);
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-argv-'));
	const log = path.join(dir, 'argv.log');
	const bin = path.join(dir, program);
	await writeFile(bin, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
	await chmod(bin, 0o755);
	await writeFile(log, '');
	return {bin, argvLog: () => readFile(log, 'utf8')};
}
