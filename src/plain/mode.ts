import {fstatSync} from 'node:fs';
import {isatty} from 'node:tty';

/** How the lab runs: the Ink screen, the plain linear mode, or not at all (nothing to answer with). */
export type LabMode = {readonly kind: 'interactive'} | {readonly kind: 'plain'; readonly why: string} | {readonly kind: 'no-terminal'};

export type ModeInputs = {
	readonly plain: boolean;
	readonly stdinTty: boolean;
	readonly stdoutTty: boolean;
	/** Answers can come in: a terminal, a pipe, a file or a socket (not /dev/null, not a closed stdin). */
	readonly stdinReadable: boolean;
	readonly env: Readonly<Record<string, string | undefined>>;
};

/**
 * `--plain` always means plain. Otherwise the screen is used only in a real terminal that
 * may draw: with stdin or stdout not a terminal, NO_COLOR set (non-empty, as no-color.org
 * says) or TERM=dumb, the plain mode runs instead, unless stdin cannot give any answers at
 * all: then it says a terminal is needed (and points to --plain and verify).
 */
export function chooseMode(inputs: ModeInputs): LabMode {
	if (inputs.plain) return {kind: 'plain', why: '--plain'};
	const noColor = Boolean(inputs.env.NO_COLOR);
	const dumb = inputs.env.TERM === 'dumb';
	if (inputs.stdinTty && inputs.stdoutTty && !noColor && !dumb) return {kind: 'interactive'};
	if (!inputs.stdinTty && !inputs.stdinReadable) return {kind: 'no-terminal'};
	const why = !inputs.stdinTty || !inputs.stdoutTty ? 'no terminal' : noColor ? 'NO_COLOR' : 'TERM=dumb';
	return {kind: 'plain', why};
}

/** Whether file descriptor 0 can bring answers: a terminal, pipe, file or socket, but not a null device or nothing. */
export function stdinReadable(fd = 0): boolean {
	try {
		const stats = fstatSync(fd);
		if (stats.isCharacterDevice()) return isatty(fd);
		return stats.isFIFO() || stats.isFile() || stats.isSocket();
	} catch {
		return false;
	}
}
