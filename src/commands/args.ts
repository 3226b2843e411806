import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {terminalSafe} from '../text/terminal-safe.js';

/** What a command prints: text for a person, or (format 'json') one JSON document for a machine. */
export type Out = (text: string, format?: 'json') => void;

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

/**
 * Read a command's arguments as its help describes them: `--help` prints the help, `--version`
 * the version (both exit 0); an unknown option, a missing value or a value not among the choices
 * is a usage error that names it (exit 2). Node's own parser: no dependency to load or ship.
 */
export function parseCommandLine<F extends Record<string, FlagSpec>>(argv: readonly string[], command: CommandLine<F>): Parsed<F> | Done {
	const options = Object.fromEntries(Object.entries(command.flags).map(([name, spec]) => [name, {type: spec.type}] as const));
	let parsed: {values: Record<string, string | boolean | undefined>; positionals: string[]};
	try {
		parsed = parseArgs({args: [...argv], options: {...options, help: {type: 'boolean'}, version: {type: 'boolean'}}, allowPositionals: true, strict: true});
	} catch (error) {
		return usage(command.name, error instanceof Error ? explainParseError(error.message) : String(error));
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
		const given = typeof value === 'string' ? value : spec.default;
		if (given !== undefined && spec.choices && !spec.choices.includes(given)) {
			return usage(command.name, `--${name} must be ${spec.choices.join(' or ')}, not '${given}'.`);
		}
		flags[name] = given;
	}
	return {ok: true, flags: flags as Values<F>, input: parsed.positionals};
}

function usage(name: string, message: string): Done {
	warn(`${name}: ${message}\nRun ${name} --help to see every option.\n`);
	return {ok: false, exitCode: 2};
}

/** Node's messages name the option in its own way; say it the way the help does. */
function explainParseError(message: string): string {
	const unknown = /Unknown option '([^']+)'/.exec(message);
	if (unknown) return `there is no option ${unknown[1]}.`;
	const missing = /Option '(--[\w-]+)[^']*' argument missing/.exec(message);
	if (missing) return `${missing[1]} needs a value after it.`;
	const notBoolean = /Option '(--[\w-]+)' does not take an argument/.exec(message);
	if (notBoolean) return `${notBoolean[1]} takes no value.`;
	return message;
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
