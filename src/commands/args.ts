import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {terminalSafe} from '../text/terminal-safe.js';

/** What a command prints: text for a person, or (format 'json') one JSON document for a machine. */
export type Out = (text: string, format?: 'json') => void;

/** What a command that may ask a question uses: where it prints, and the terminal it asks on (a question needs both to be a TTY). */
export type CommandIo = {
	readonly out: Out;
	readonly input: NodeJS.ReadableStream & {isTTY?: boolean};
	readonly output: NodeJS.WritableStream & {isTTY?: boolean};
};

/** A message on standard error. It may name what was typed or read from a file: shown, never obeyed. */
export function warn(text: string): void {
	process.stderr.write(terminalSafe(text));
}

/** Text on standard output that is not a command's result (help, the version). */
export function say(text: string): void {
	process.stdout.write(terminalSafe(text));
}

/** One option of a command: a switch, or an option with a value (from a fixed list, when `choices` is set). */
export type FlagSpec = {readonly type: 'boolean'} | {readonly type: 'string'; readonly default?: string; readonly choices?: readonly string[]};

type Values<F extends Record<string, FlagSpec>> = {
	-readonly [K in keyof F]: F[K] extends {type: 'boolean'} ? boolean : F[K] extends {default: string} ? string : string | undefined;
};

export type Parsed<F extends Record<string, FlagSpec>> = {readonly ok: true; readonly flags: Values<F>; readonly input: readonly string[]};
/** The command is over: help or the version was printed (0), or the usage was wrong and said why (2). */
export type Done = {readonly ok: false; readonly exitCode: 0 | 2};

export type CommandLine<F extends Record<string, FlagSpec>> = {
	/** 'registry-lab' or 'registry-lab verify': how errors name the command. */
	readonly name: string;
	readonly help: string;
	readonly flags: F;
};

/** A command's name, help and options, as one value: the command reads its arguments with it, and tests read it too. */
export function commandLine<F extends Record<string, FlagSpec>>(line: CommandLine<F>): CommandLine<F> {
	return line;
}

/** Every command has these, with their one-letter forms. */
const common = {help: {type: 'boolean', short: 'h'}, version: {type: 'boolean', short: 'v'}} as const;

/**
 * Read a command's arguments as its help describes them: `--help` (`-h`) prints the help, `--version`
 * (`-v`) the version (both exit 0); an unknown option, a missing or empty value, an option given twice
 * or a value not among the choices is a usage error that names it (exit 2), said in one line and a
 * pointer to --help. Node's own parser: no dependency to load or ship.
 */
export function parseCommandLine<F extends Record<string, FlagSpec>>(argv: readonly string[], command: CommandLine<F>): Parsed<F> | Done {
	// A value option is read as a list, so one given twice is seen (and refused) rather than silently replaced.
	const options = Object.fromEntries(
		Object.entries(command.flags).map(([name, spec]) => [name, spec.type === 'string' ? {type: 'string', multiple: true} : {type: 'boolean'}] as const),
	);
	let parsed: {values: Record<string, string[] | string | boolean | boolean[] | undefined>; positionals: string[]};
	try {
		parsed = parseArgs({args: [...argv], options: {...options, ...common}, allowPositionals: true, strict: true});
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return usageError(command.name, explainParseError(message, argv, [...Object.keys(command.flags), 'help', 'version']));
	}
	if (parsed.values.help) {
		say(`${command.help.replace(/^\n/, '')}\n`);
		return {ok: false, exitCode: 0};
	}
	if (parsed.values.version) {
		say(`${packageVersion()}\n`);
		return {ok: false, exitCode: 0};
	}
	const flags: Record<string, string | boolean | undefined> = {};
	for (const [name, spec] of Object.entries(command.flags)) {
		const value = parsed.values[name];
		if (spec.type === 'boolean') {
			flags[name] = value === true;
			continue;
		}
		const values = Array.isArray(value) ? value.map(String) : [];
		if (values.length > 1) return usageError(command.name, `--${name} is given ${values.length === 2 ? 'twice' : `${values.length} times`}: give it once.`);
		if (values[0] !== undefined && values[0].trim() === '') return usageError(command.name, `--${name} needs a value, and it is empty.`);
		const given = values[0] ?? spec.default;
		if (given !== undefined && spec.choices && !spec.choices.includes(given)) {
			return usageError(command.name, `--${name} must be ${spec.choices.join(' or ')}, not '${given}'.`);
		}
		flags[name] = given;
	}
	return {ok: true, flags: flags as Values<F>, input: parsed.positionals};
}

/**
 * A usage error, the way every command says one: one line that names the command and what is
 * wrong, and a pointer to its help, on standard error. The exit code is 2.
 */
export function usageError(name: string, message: string): Done {
	warn(`${name}: ${oneLine(message)}\nRun ${name} --help to see every option.\n`);
	return {ok: false, exitCode: 2};
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** Node's messages name the option in its own way, over several lines; say it in one, the way the help does. */
function explainParseError(message: string, argv: readonly string[], names: readonly string[]): string {
	const unknown = /Unknown option '([^']+)'/.exec(message);
	if (unknown) {
		const option = typedAs(unknown[1]!, argv);
		const near = closest(option.replace(/^-+/, '').split('=')[0]!, names);
		return `there is no option ${option}${near ? ` (did you mean --${near}?)` : ''}.`;
	}
	const missing = /Option '(--[\w-]+)[^']*' argument missing/.exec(message);
	if (missing) return `${missing[1]} needs a value after it.`;
	const ambiguous = /Option '(--[\w-]+)' argument is ambiguous/.exec(message);
	if (ambiguous) return `${ambiguous[1]} needs a value after it (a value that starts with - is written ${ambiguous[1]}=-VALUE).`;
	const notBoolean = /Option '(--[\w-]+)' does not take an argument/.exec(message);
	if (notBoolean) return `${notBoolean[1]} takes no value.`;
	return message.split('\n')[0]!;
}

/**
 * Node names an unknown short option by its letter: `-practice` is reported as `-p`. Name what was
 * typed instead, so a long option written with one dash is recognised.
 */
function typedAs(option: string, argv: readonly string[]): string {
	if (option.startsWith('--')) return option;
	const letter = option.slice(1);
	return argv.find(arg => /^-[^-]/.test(arg) && arg.slice(1).split('=')[0]!.includes(letter)) ?? option;
}

/** The name among `names` that `word` is most likely a slip of (a letter wrong, missing, extra or swapped); undefined: none is near. */
export function closest(word: string, names: readonly string[]): string | undefined {
	const lower = word.toLowerCase();
	const allowed = lower.length <= 3 ? 1 : 2;
	let best: {name: string; distance: number} | undefined;
	for (const name of names) {
		const distance = editDistance(lower, name);
		if (distance <= allowed && (!best || distance < best.distance)) best = {name, distance};
	}
	return best?.name;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
function editDistance(a: string, b: string): number {
	if (Math.abs(a.length - b.length) > 2) return 3;
	const rows: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
			rows[i]![j] = value;
		}
	}
	return rows[a.length]![b.length]!;
}

/** The version in package.json: beside dist/ in the package, two folders up from a source file. */
function packageVersion(): string {
	for (const relative of ['../package.json', '../../package.json']) {
		try {
			const {name, version} = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {name?: string; version?: string};
			if (name === 'registry-lab' && version) return version;
		} catch {
			// Not here: the next place.
		}
	}
	return 'unknown';
}
