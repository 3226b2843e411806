import {isDockerHub, registryTitle} from '../registry/address.js';
import {
	effectiveValue,
	findCommand,
	flagsOf,
	flagValue,
	isVerb,
	loginHostname,
	nameCount,
	parseBool,
	parseFlags,
	type FlagProblem,
	type FlagSpec,
	type ParsedArgs,
	type Verb,
} from './command-grammar.js';
import type {EngineName} from './engine.js';
import {parseReference, type ImageReference} from './reference.js';

export type SplitResult = {readonly ok: true; readonly words: string[]} | {readonly ok: false; readonly reason: string};

/** Characters a shell reads as operators (pipes, lists, redirections) unless they are quoted. */
const operatorCharacters = ';|&<>';
/** Command substitution, anywhere in a word: a dollar sign with a parenthesis, or a backquote. */
const substitution = /\$\(|`/;

/**
 * Split a typed line into words the way a POSIX shell would (quotes and backslashes),
 * without ever running a shell: no variables, no globbing, no pipes.
 */
export function splitCommandLine(line: string, engine = 'docker'): SplitResult {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quote: '"' | "'" | null = null;
	let operator: string | undefined;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quote === "'") {
			if (char === "'") quote = null;
			else word += char;
			continue;
		}
		if (quote === '"') {
			if (char === '"') quote = null;
			else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) word += line[++index]!;
			else word += char;
			continue;
		}
		if (char === "'" || char === '"') {
			quote = char;
			inWord = true;
		} else if (char === '\\') {
			if (index + 1 < line.length) word += line[++index]!;
			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
		} else if (operatorCharacters.includes(char)) {
			// A shell ends a word at these, quoted or not by spaces: 'x;' is 'x' and ';'.
			const run = /^[;|&<>]+/.exec(line.slice(index))![0];
			operator ??= run;
			index += run.length - 1;
		} else {
			word += char;
			inWord = true;
		}
	}
	if (quote) return {ok: false, reason: `A ${quote === '"' ? 'double' : 'single'} quote (${quote}) is opened but never closed.`};
	if (inWord) words.push(word);
	operator ??= words.find(candidate => substitution.test(candidate));
	if (operator) {
		return {ok: false, reason: `registry-lab runs one command and no shell, so '${operator}' has no meaning here. Type just the ${engine} command.`};
	}
	return {ok: true, words};
}

export type TypedMistake =
	| 'empty'
	| 'not-engine'
	| 'subcommand'
	| 'not-allowed'
	| 'global-option'
	| 'unknown-flag'
	| 'flag-value'
	| 'help'
	| 'secret-in-argv'
	| 'missing-argument'
	| 'extra-argument'
	| 'username'
	| 'changes-action'
	| 'registry-host'
	| 'namespace'
	| 'missing-tag'
	| 'source-image'
	| 'invalid-name'
	| 'different';

export type TypedVerdict = {readonly ok: true} | {readonly ok: false; readonly mistake: TypedMistake; readonly message: string};

export type TypedContext = {
	/** 'docker' or 'podman'. */
	readonly engine: string;
	/** The arguments the step runs, after the engine program. */
	readonly expected: readonly string[];
	readonly username?: string;
	/** host[:port], or 'docker.io'. */
	readonly registry?: string;
};

type Refusal = {readonly ok: false; readonly mistake: TypedMistake; readonly message: string};
const refuse = (mistake: TypedMistake, message: string): Refusal => ({ok: false, mistake, message});

/**
 * Compare what the student typed with what the step needs, the way the engine reads a command
 * line (command-grammar.ts), and say what differs in words a beginner understands. A line passes
 * when the engine would do the same as the step's own command: options in any order and spelling,
 * the management form (`docker image push`), names written another way that docker reads as the
 * same image, options that change only what is printed. A password typed on the line is never
 * repeated in a message.
 *
 * Refusals quote what was typed in single quotes; a line to type instead is in backquotes, and
 * the grader accepts it.
 */
export function compareTyped(words: readonly string[], context: TypedContext): TypedVerdict {
	return judge(words, context, true);
}

/** Commands within a typo of login, tag, push or pull, so that 'docker pull' at a push step is not called a typo. */
const nearbyCommands = new Set(['kill', 'logs', 'pause', 'plugin', 'ps', 'pull', 'push', 'top', 'untag', 'login', 'tag']);

function judge(words: readonly string[], context: TypedContext, suggest: boolean): TypedVerdict {
	const {engine, expected} = context;
	if (words.length === 0) return refuse('empty', `Type the command, starting with ${engine}.`);
	const [first = ''] = words;
	if (first === 'sudo') return refuse('not-engine', `Leave out sudo: registry-lab runs ${engine} as you.`);
	if (first === '$' || first === '#') {
		return refuse('not-engine', `Leave out the '${first}': it is the terminal's prompt, not part of the command. Start with ${engine}.`);
	}
	if (first !== engine) {
		return refuse('not-engine', `Only ${engine} commands run here, and this one starts with ${quote(first)}. Start with ${engine}.`);
	}
	const afterEngine = words.slice(1);
	const wanted = findCommand(expected);
	const wantedName = wanted?.command ?? '';
	if (afterEngine[0]?.startsWith('-') && afterEngine[0].length > 1) return globalOption(afterEngine[0], context, wantedName);
	const found = findCommand(afterEngine);
	if (!found) return refuse('missing-argument', `${engine} needs to know what to do: this step is '${engine} ${wantedName}'.`);
	if (found.command !== wantedName) return otherCommand(found.name, context, wantedName);
	const rest = afterEngine.slice(found.words);
	const expectedRest = expected.slice(wanted?.words ?? 1);
	if (!isVerb(wantedName)) {
		// A command no lesson types today: only its own words, in its own order.
		if (rest.join('\u0000') === expectedRest.join('\u0000')) return {ok: true};
		return refuse('different', `This step runs ${code([engine, ...expected])}.`);
	}
	const line: Line = {words, offset: 1 + found.words, context, engine: engineOf(engine), verb: wantedName, suggest};
	return compareVerb(line, rest, expectedRest);
}

/** What compareVerb needs to know about the whole line: to word its messages and to mend it. */
type Line = {
	readonly words: readonly string[];
	/** Where the command's own words start in `words` (after the engine and the command's name). */
	readonly offset: number;
	readonly context: TypedContext;
	readonly engine: EngineName;
	readonly verb: Verb;
	/** Whether a refusal may offer a mended line (never while checking a mended line). */
	readonly suggest: boolean;
};

const engineOf = (engine: string): EngineName => (engine === 'podman' ? 'podman' : 'docker');

function globalOption(word: string, context: TypedContext, wantedName: string): Refusal {
	const {engine} = context;
	// Only the option's name: what follows it may be anything.
	const name = word.startsWith('--') ? word.split('=')[0]! : word.slice(0, 2);
	return refuse(
		'global-option',
		`Options before the command (${quote(name)}) are ${engine}'s own settings, and registry-lab runs ${engine} with its own. ` +
			`Leave it out and start with '${engine} ${wantedName}'.`,
	);
}

/** pflag's words for an option it does not know. */
const unknownSaid = (name: string): string => (name.startsWith('--') ? `"unknown flag: ${name}"` : `"unknown shorthand flag: '${name.slice(1)}'"`);

function otherCommand(typedName: string, context: TypedContext, wantedName: string): Refusal {
	const {engine} = context;
	// 'docker image' alone, or followed by something that is no command (an option, an image's name).
	if (typedName === 'image' || /^image .*[^a-z]/.test(typedName)) {
		return refuse('missing-argument', `'${engine} image' needs its command right after it: this step is '${engine} image ${wantedName}'.`);
	}
	const management = typedName.startsWith('image ');
	const typedWord = management ? typedName.slice('image '.length) : typedName;
	const suggestion = management ? `${engine} image ${wantedName}` : `${engine} ${wantedName}`;
	if (!nearbyCommands.has(typedWord) && distance(typedWord, wantedName) <= 2) {
		return refuse('subcommand', `${quote(`${engine} ${typedName}`)} is not a command: did you mean '${suggestion}'?`);
	}
	return refuse('not-allowed', `This step is about '${engine} ${wantedName}'; ${quote(`${engine} ${typedName}`)} is not run here.`);
}

// ---------------------------------------------------------------------------
// One command: its options, then its names

function compareVerb(line: Line, rest: readonly string[], expectedRest: readonly string[]): TypedVerdict {
	const {engine, verb} = line;
	const specs = flagsOf(engine, verb);
	const typed = parseFlags(rest, specs);
	const want = parseFlags(expectedRest, specs);
	const command = `${engine} ${verb}`;
	const refused =
		secretOnLine(line, typed) ??
		flagProblem(line, typed.problems[0]) ??
		(typed.flags.some(flag => flag.spec.role === 'help' && parseBool(flag.value) === true)
			? refuse('help', `--help only prints the help of ${command}; nothing else is done. Leave it out.`)
			: null) ??
		nameCountProblem(line, typed) ??
		optionDifference(line, typed, want);
	if (refused) return refused;
	if (verb === 'login') return compareLogin(line, typed, want);
	const names = typed.positionals;
	const wantedNames = want.positionals;
	for (const [index, wantedName] of wantedNames.entries()) {
		const got = names[index]!;
		if (sameImage(engine, got.value, wantedName.value)) continue;
		const isSource = verb === 'tag' && index === 0;
		return explainDifference(got, wantedName.value, isSource, line);
	}
	return {ok: true};
}

const secretWhy = (engine: string) =>
	`others can see it in the process list and in your shell history, and registry-lab hands the password to ${engine} on its standard input`;
const secretLesson = (engine: string) => `Never put a password on the command line: ${secretWhy(engine)}.`;
/** For a word that may be a password: said without knowing, and without repeating it. */
const ifPassword = (engine: string, what: string) =>
	` If ${what} your password, leave it out: never put a password on the command line (${secretWhy(engine)}).`;

/** A password on the line, in any form: said without ever repeating it. */
function secretOnLine(line: Line, typed: ParsedArgs): Refusal | null {
	const {engine, verb} = line;
	const login = `${engine} login`;
	const passwords = typed.flags.filter(flag => flag.spec.role === 'password');
	const credentials = typed.flags.find(flag => flag.spec.role === 'credentials');
	if (credentials) {
		return refuse(
			'secret-in-argv',
			`${credentials.written} puts your username and password on the command line. ${secretLesson(engine)} ` +
				`Log in first (${login}), then ${engine} ${verb} uses that login.`,
		);
	}
	const stdinValue = typed.problems.find(problem => problem.kind === 'bad-bool' && problem.spec.role === 'password-stdin');
	if (stdinValue) {
		return refuse(
			'secret-in-argv',
			`--password-stdin takes no value: it tells ${engine} to read the password from its standard input. ${secretLesson(engine)}` + mended(line, null),
		);
	}
	const needsPassword = typed.problems.find(problem => problem.kind === 'needs-value' && problem.spec.role === 'password');
	if (passwords.length > 0 || needsPassword) {
		if (passwords.length > 0 && passwords.every(flag => flag.value === '-')) {
			const dash =
				engine === 'docker'
					? `'-p -' reads the password from standard input only in the newest docker (29.6 and later); older ones take '-' itself as the password.`
					: `'-p -' gives ${engine} '-' itself as the password.`;
			return refuse('flag-value', `${dash} --password-stdin reads it from standard input in every version.${mended(line, null)}`);
		}
		const written = passwords[0]?.written ?? needsPassword?.name ?? '-p';
		const shown = written.startsWith('--') ? written : `${written} (--password)`;
		return refuse('secret-in-argv', `${shown} puts your password on the command line. ${secretLesson(engine)} Use --password-stdin.${mended(line, null)}`);
	}
	const unknownPassword = verb === 'login' && typed.problems.find(problem => problem.kind === 'unknown' && /pass|pw/i.test(problem.name));
	if (unknownPassword) {
		return refuse(
			'secret-in-argv',
			`${login} has no option ${quote(unknownPassword.name)}. ${secretLesson(engine)} Use --password-stdin, or leave the password out and ` +
				`${engine} asks for it.${mended(line, null)}`,
		);
	}
	return null;
}

/** Why pflag would stop reading the line. */
function flagProblem(line: Line, problem: FlagProblem | undefined): Refusal | null {
	if (!problem) return null;
	const {engine, verb} = line;
	const command = `${engine} ${verb}`;
	switch (problem.kind) {
		case 'unknown': {
			const known = flagsOf(engine, verb).filter(spec => spec.role !== 'help' && spec.role !== 'password' && spec.role !== 'credentials');
			const options =
				known.length === 0
					? 'It has no options at all'
					: `Its options are ${known.map(spec => (spec.short ? `-${spec.short}/--${spec.long}` : `--${spec.long}`)).join(', ')}`;
			return refuse(
				'unknown-flag',
				`${command} has no option ${quote(problem.name)}: ${engine} would stop with ${unknownSaid(problem.name)}. ${options}. Leave it out.`,
			);
		}
		case 'needs-value':
			return refuse(
				'flag-value',
				`${problem.name} needs a value right after it (${engine} would stop with "flag needs an argument"). ${flagNeeds(problem.spec, line)}`,
			);
		case 'bad-bool':
			return refuse(
				'flag-value',
				`${problem.name} is an on/off option: write it alone (or =true, =false); ${engine} would stop with "invalid argument".`,
			);
		case 'bad-syntax':
			return refuse('flag-value', `${quote(problem.name)} is not how an option is written: ${engine} would stop with "bad flag syntax".`);
	}
}

function flagNeeds(spec: FlagSpec, line: Line): string {
	if (spec.role === 'username') return `Put your username right after it: -u ${expectedUsername(line) ?? 'USERNAME'}.`;
	return 'This step does not use it: leave it out.';
}

function nameCountProblem(line: Line, typed: ParsedArgs): Refusal | null {
	const {engine, verb} = line;
	const command = `${engine} ${verb}`;
	const count = typed.positionals.length;
	const {min, max} = nameCount(engine, verb);
	if (verb === 'login') {
		if (count <= max) return null;
		// Never quoted: a word after the options of a login is, more often than not, a password.
		return refuse(
			'secret-in-argv',
			`'${command}' takes at most one name, the registry, and you typed ${count} words that are not options. ` +
				`${engine} asks for the password itself.${ifPassword(engine, 'one of them is')}${mended(line, null)}`,
		);
	}
	const wanted = verb === 'tag' ? 2 : 1;
	if (count < min) {
		return refuse('missing-argument', `'${command}' needs ${names(wanted)} here (${describeArgs(verb)}); you gave ${names(count)}.`);
	}
	if (count > wanted) {
		const extra = typed.positionals
			.slice(wanted)
			.map(name => name.value)
			.join(' ');
		return refuse('extra-argument', `'${command}' takes ${names(wanted)} here (${describeArgs(verb)}); ${quote(extra)} is one too many.`);
	}
	return null;
}

/** Options that change what the command does, against the step's own. */
function optionDifference(line: Line, typed: ParsedArgs, want: ParsedArgs): Refusal | null {
	const {engine, verb} = line;
	for (const flag of typed.flags) {
		const {spec} = flag;
		const got = effectiveValue(typed.flags, spec);
		const needed = effectiveValue(want.flags, spec);
		if (got === needed) continue;
		switch (spec.role) {
			case 'all-tags':
				if (got === 'false') continue;
				return refuse(
					'changes-action',
					`${flag.written} ${verb === 'push' ? 'pushes' : 'downloads'} every tag of the repository, not just the one this step names` +
						`${typed.positionals.some(name => hasTag(name.value)) ? ` (and ${engine} refuses it together with a tag)` : ''}. Leave it out.`,
				);
			case 'platform': {
				const step = verb === 'push' ? 'this step pushes the image as it is' : 'this step pulls the image for this computer';
				return refuse(
					'changes-action',
					needed === ''
						? `${flag.written} ${spec.does ?? 'changes what is done'}; ${step}. Leave it out.`
						: `This step uses --${spec.long} ${needed}.${mended(line, null)}`,
				);
			}
			case 'content-trust':
				if (got === 'true') continue;
				return refuse(
					'changes-action',
					`${flag.written}=false turns on content trust (signed images), which needs a signing server this lesson does not have. ` + 'Leave it out.',
				);
			case 'tls-verify':
				return refuse('changes-action', tlsMessage(line, got === 'false'));
			case 'other':
				return refuse('changes-action', `${flag.written} ${spec.does ?? 'changes what is done'}; this step runs without it. Leave it out.`);
			default:
				continue;
		}
	}
	// An option the step has and the line has not.
	for (const flag of want.flags) {
		const {spec} = flag;
		if (typed.flags.some(other => other.spec.long === spec.long)) continue;
		if (effectiveValue(typed.flags, spec) === effectiveValue(want.flags, spec)) continue;
		if (spec.role === 'tls-verify') return refuse('changes-action', tlsMessage(line, false));
		if (spec.role === 'platform' || spec.role === 'all-tags' || spec.role === 'other') {
			const value = spec.takesValue ? ` ${effectiveValue(want.flags, spec)}` : '';
			return refuse('changes-action', `This step uses --${spec.long}${value}.${mended(line, null)}`);
		}
	}
	return null;
}

function tlsMessage(line: Line, typedOff: boolean): string {
	const {engine} = line;
	if (typedOff) {
		return `--tls-verify=false turns off ${engine}'s check of the registry's certificate; this registry does not need that. Leave it out.`;
	}
	return (
		`This registry, on this computer, speaks plain HTTP, and ${engine} uses HTTPS unless told otherwise: ` +
		`add --tls-verify=false (registry-lab adds it when it runs the command for you).${mended(line, null)}`
	);
}

// ---------------------------------------------------------------------------
// docker login

const hubLoginDefaults = new Set(['docker.io', 'https://index.docker.io/v1/']);
/** Names of Docker Hub's registry that docker keeps a login of its own for (podman counts them as Docker Hub). */
const otherHubNames = ['index.docker.io', 'registry-1.docker.io'];
/** Docker Hub's website, which students take for its registry. */
const hubWebsites = ['hub.docker.com', 'www.docker.com', 'docker.com'];

function compareLogin(line: Line, typed: ParsedArgs, want: ParsedArgs): TypedVerdict {
	const {engine} = line;
	const specs = flagsOf(engine, 'login');
	const usernameSpec = specs.find(spec => spec.role === 'username')!;
	const stdinSpec = specs.find(spec => spec.role === 'password-stdin')!;
	const user = flagValue(typed.flags, usernameSpec);
	const stdin = effectiveValue(typed.flags, stdinSpec) === 'true';
	if (stdin && user === null) {
		return refuse(
			'missing-argument',
			`--password-stdin needs --username (or -u) too: ${engine} reads only the password from standard input, ` +
				`so it would stop with "the --password-stdin option requires --username to be set".${mended(line, null)}`,
		);
	}
	if (user === '') return refuse('flag-value', `The username after -u is empty (${engine} would stop with "username is empty").${mended(line, null)}`);
	if (user?.startsWith('-')) {
		const known = specs.some(spec => user === `--${spec.long}` || user === `-${spec.short}`);
		return refuse(
			'flag-value',
			`-u takes the word right after it as the username, so ${engine} would read ${known ? quote(user) : 'an option'} as your username. ` +
				`Put your username right after -u.${mended(line, null)}`,
		);
	}
	const registry = loginRegistryProblem(line, typed.positionals[0]?.value, want.positionals[0]?.value);
	if (registry) return registry;
	const wantedUser = expectedUsername(line, want);
	if (user !== null && wantedUser !== null && user !== wantedUser) {
		// Not repeated: what was typed after -u may be a password in the wrong place.
		return refuse(
			'username',
			`This lesson logs you in as ${quote(wantedUser)}, the account you gave it (its password is the one registry-lab hands over), ` +
				`and the username you typed is another one. To use another account, change your answers with !edit.${mended(line, null)}`,
		);
	}
	return {ok: true};
}

function expectedUsername(line: Line, want?: ParsedArgs): string | null {
	const spec = flagsOf(line.engine, 'login').find(candidate => candidate.role === 'username')!;
	const parsed = want ?? parseFlags(line.context.expected.slice(1), flagsOf(line.engine, 'login'));
	return flagValue(parsed.flags, spec) ?? line.context.username ?? null;
}

/** The registry a login goes to, as a key: 'docker.io' for Docker Hub, else the host docker keeps the login under. */
function loginKey(engine: EngineName, server: string | undefined): string | undefined {
	if (server === undefined) return engine === 'docker' ? 'docker.io' : undefined;
	if (engine === 'docker') return hubLoginDefaults.has(server) ? 'docker.io' : loginHostname(server);
	// podman (containers/image) counts every name of Docker Hub as one.
	return isDockerHub(server, {server: true, ignoreCase: true}) ? 'docker.io' : server;
}

function loginRegistryProblem(line: Line, typedServer: string | undefined, wantedServer: string | undefined): Refusal | null {
	const {engine} = line;
	const wantedKey = loginKey(engine, wantedServer);
	const hubStep = wantedKey === 'docker.io' || (wantedKey === undefined && isDockerHub(line.context.registry ?? ''));
	const typedKey = loginKey(engine, typedServer);
	if (typedKey === wantedKey || (hubStep && typedKey === 'docker.io')) return null;
	if (engine === 'podman' && typedServer === undefined) {
		return refuse(
			'registry-host',
			`Without a registry, podman logs in to the first registry in its search list (registries.conf). ` +
				`Name it: this step logs in to ${registryTitle(wantedServer ?? 'docker.io')}.${mended(line, null)}`,
		);
	}
	if (typedServer === undefined) {
		return refuse(
			'registry-host',
			`Without a registry, ${engine} login logs in to Docker Hub. This step logs in to ${wantedServer ?? ''}: put it after login.${mended(line, null)}`,
		);
	}
	const typedHost = loginHostname(typedServer).toLowerCase();
	const hubName = otherHubNames.find(name => typedHost === name);
	const website = hubWebsites.find(name => typedHost === name);
	if (hubStep) {
		const leaveOut = `Leave the registry out: without one, ${engine} login logs in to Docker Hub.${mended(line, null)}`;
		if (hubName) {
			return refuse(
				'registry-host',
				`${engine} keeps a login to '${hubName}' apart from its Docker Hub login, so your pushes would not use it. ${leaveOut}`,
			);
		}
		if (website) return refuse('registry-host', `'${website}' is Docker Hub's website, not its registry: there is nothing to log in to there. ${leaveOut}`);
		// Never quoted: it may be a password typed where the registry goes.
		const password = looksLikeHost(typedServer) ? '' : ifPassword(engine, 'that word is');
		return refuse(
			'registry-host',
			`This step logs in to Docker Hub, so leave the registry out. ${engine} reads a word after login that is not an option as the ` +
				`registry to log in to, so it would log in somewhere else.${password}${mended(line, null)}`,
		);
	}
	const where = wantedServer ?? '';
	const password = looksLikeHost(typedServer) ? '' : ifPassword(engine, 'that word is');
	return refuse(
		'registry-host',
		`This step logs in to ${where}, and the registry you typed is another one: ${engine} keeps one login per registry address, ` +
			`exactly as it is written (localhost:5000 and 127.0.0.1:5000 are two different logins).${password}${mended(line, null)}`,
	);
}

/** A word that reads as a registry address (a '.', a ':' or 'localhost'), rather than as a stray password. */
const looksLikeHost = (word: string): boolean => /[.:]/.test(word) || loginHostname(word).toLowerCase() === 'localhost';

// ---------------------------------------------------------------------------
// Image names

/** Does the engine read these two names as one image? docker normalises both; podman resolves a name without a registry itself. */
function sameImage(engine: EngineName, typed: string, wanted: string): boolean {
	const a = parseReference(typed);
	const b = parseReference(wanted);
	if (!a.valid || !b.valid) return typed === wanted;
	if (engine === 'podman' && hasRegistry(typed) !== hasRegistry(wanted)) return false;
	return a.reference.normalized === b.reference.normalized;
}

/** docker's rule: the first part names a registry if it has '.' or ':', is 'localhost', or has capital letters. */
function hasRegistry(name: string): boolean {
	const slash = name.indexOf('/');
	if (slash === -1) return false;
	const first = name.slice(0, slash);
	return first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
}

/** Whether a name was typed with a tag (':1.0' after its last '/'). */
const hasTag = (name: string): boolean => /:[\w][\w.-]*$/.test(name.split('@')[0]!.split('/').at(-1) ?? '');

function explainDifference(got: {value: string; index: number}, want: string, isSource: boolean, line: Line): Refusal {
	const fix = mended(line, {index: got.index, word: want});
	const typed = parseReference(got.value);
	const wanted = parseReference(want);
	const {engine} = line;
	if (!typed.valid) {
		const step = isSource ? `The image to tag is the one you chose, ${want}` : `The name this step needs is ${want}`;
		return refuse('invalid-name', `${quote(got.value)} is not a valid image name: ${withoutExamples(typed.reason)} ${step}.${fix}`);
	}
	if (isSource) {
		// The chosen image's name without its tag is the classic slip: say what the missing tag means.
		const latest =
			wanted.valid && typed.reference.path === wanted.reference.path && !hasTag(got.value) && typed.reference.digest === null
				? ` Without a tag ${engine} means ${quote(`${got.value}:latest`)}.`
				: '';
		return refuse('source-image', `The image to tag is the one you chose, ${want}; you typed ${quote(got.value)}.${latest}${fix}`);
	}
	if (!wanted.valid) return refuse('different', `Type ${want} here.${fix}`);
	const a = typed.reference;
	const b = wanted.reference;
	if (a.domain !== b.domain || (engine === 'podman' && hasRegistry(got.value) !== hasRegistry(want))) {
		return refuse('registry-host', registryMessage(a, b, got.value, want, line) + fix);
	}
	if (a.path !== b.path) {
		const username = line.context.username;
		const typedNamespace = a.path.startsWith('library/') ? null : a.path.split('/')[0];
		if (username && b.path.startsWith(`${username}/`) && typedNamespace !== username) {
			return refuse('namespace', `The repository must be under your username: ${b.path}, not ${a.path.replace(/^library\//, '')}.${fix}`);
		}
		return refuse('different', `The repository is ${b.path}; you typed ${a.path}.${fix}`);
	}
	const wantedTag = b.tag ?? 'latest';
	if (!hasTag(got.value) && a.digest === null && wantedTag !== 'latest') {
		return refuse('missing-tag', `Add the tag, :${wantedTag}. Without one ${engine} uses 'latest', which is not what you named.${fix}`);
	}
	if (a.digest !== null || b.digest !== null) {
		return refuse('different', `This step names the image ${b.digest === null ? `by its tag, :${wantedTag}` : `by its digest, @${b.digest}`}.${fix}`);
	}
	return refuse('different', `The tag is ${wantedTag}; you typed ${a.tag ?? 'latest'}.${fix}`);
}

function registryMessage(a: ImageReference, b: ImageReference, got: string, want: string, line: Line): string {
	const {engine} = line;
	if (engine === 'podman' && a.domain === b.domain) {
		return `Write the name as this step does, ${want}: podman looks a name with no registry in front up in its own search list.`;
	}
	if (isDockerHub(b.domain)) {
		return `For Docker Hub the name starts with your username, with no registry in front: ${quote(a.domain)} is read as a registry.`;
	}
	const typedDomain = hasRegistry(got) ? a.domain : null;
	return `The name must start with the registry, ${b.domain}/, or ${engine} sends it to ${registryTitle(typedDomain ?? a.domain)} instead.`;
}

/** A reason from parseReference without its own example of a fix: the fix to offer is the step's own name. */
function withoutExamples(reason: string): string {
	const sentences = reason.split(/(?<=[.!?])\s+(?=[A-Z'])/);
	const kept = sentences.filter(text => !/\bTry\b|\be\.g\.|Write it like|instead\b|write it in lowercase/i.test(text));
	return (kept.length > 0 ? kept : sentences.slice(0, 1)).join(' ');
}

// ---------------------------------------------------------------------------
// Wording

/**
 * ' Type: `LINE`' with the line mended: the typed line with one name replaced by the step's own,
 * when the grader accepts that, else the step's own command (always accepted). For a login the
 * step's own command always: the typed one may hold a password.
 */
function mended(line: Line, replace: {index: number; word: string} | null): string {
	if (!line.suggest) return '';
	const canonical = [line.context.engine, ...line.context.expected];
	if (replace && line.verb !== 'login') {
		const words = [...line.words];
		words[line.offset + replace.index] = replace.word;
		const text = words.map(quoteArg).join(' ');
		if (text.length <= 300 && judge(words, line.context, false).ok) return ` Type: ${'`'}${text}${'`'}`;
	}
	return ` Type: ${code(canonical)}`;
}

const code = (words: readonly string[]): string => `\`${words.map(quoteArg).join(' ')}\``;

/** An argument as a POSIX shell needs it (for showing only: nothing is run through a shell). */
function quoteArg(arg: string): string {
	if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
	return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Quote a piece of what was typed; long pieces are shortened so a message stays readable. */
function quote(text: string): string {
	return text.length > 60 ? `'${text.slice(0, 40)}...'` : `'${text}'`;
}

function describeArgs(subcommand: string): string {
	switch (subcommand) {
		case 'tag':
			return 'the image you have, then its new name';
		case 'push':
		case 'pull':
			return 'the image name';
		case 'login':
			return 'the registry';
		default:
			return 'see the step';
	}
}

const names = (n: number): string => (n === 1 ? 'one name' : `${n} names`);

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length]!;
}

/** The hint ladder: a nudge, then the command's shape, then the whole command. */
export function hintFor(level: number, context: TypedContext & {readonly shape: string}): string {
	const [subcommand = ''] = context.expected;
	if (level <= 1) return `Nudge: this step uses \`${context.engine} ${subcommand}\` with ${describeArgs(subcommand)}.`;
	if (level === 2) return `Shape: ${context.shape}`;
	return `Here it is — type it, or !run to have it run for you: ${[context.engine, ...context.expected].join(' ')}`;
}
