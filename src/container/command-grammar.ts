/**
 * The command-line grammar of the four engine commands a student types in a lesson (login, tag,
 * push, pull), as the engines read them: cobra finds the command (`docker push` or `docker image
 * push`), then pflag reads its options. Pure: it only takes words apart, it judges nothing.
 *
 * What pflag does, and so what this does:
 * - `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`; an option that takes no
 *   value (a boolean) may still be given one with `=` (`--quiet=false`);
 * - one-letter booleans may share a dash (`-aq`); the first letter that takes a value takes the
 *   rest of the word, or else the next word, whatever it is (`-u --password-stdin` makes the
 *   username '--password-stdin');
 * - options and names may come in any order; `--` ends the options; a lone `-` is a name;
 * - every command also has `-h`/`--help`.
 */
import type {EngineName} from './engine.js';

/** The commands a lesson asks the student to type. */
export type Verb = 'login' | 'tag' | 'push' | 'pull';

/**
 * What an option means for the lesson:
 * - `username`, `password`, `password-stdin`: docker login's own;
 * - `credentials`: `user:password` in one value (podman's --creds);
 * - `harmless`: changes only what is printed (or nothing at all), never what is done;
 * - `content-trust`: docker's --disable-content-trust: harmless unless set to false;
 * - `all-tags`, `platform`, `tls-verify`: change what is done, compared with the step's own;
 * - `other`: a real option that changes what is done in a way no step uses (see `does`);
 * - `help`: prints the help and does nothing else.
 */
export type FlagRole =
	| 'username'
	| 'password'
	| 'password-stdin'
	| 'credentials'
	| 'harmless'
	| 'content-trust'
	| 'all-tags'
	| 'platform'
	| 'tls-verify'
	| 'other'
	| 'help';

export type FlagSpec = {
	readonly long: string;
	readonly short?: string;
	/** Takes a value (`--platform linux/amd64`); otherwise a boolean. */
	readonly takesValue: boolean;
	readonly role: FlagRole;
	/** The value when the option is not given: 'false' for a boolean unless said otherwise, '' for a value. */
	readonly default?: string;
	/** For `other` and `platform`: what it does, in words that finish "--x ...". */
	readonly does?: string;
};

const help: FlagSpec = {long: 'help', short: 'h', takesValue: false, role: 'help'};
const bool = (long: string, role: FlagRole, extra: Partial<FlagSpec> = {}): FlagSpec => ({long, takesValue: false, role, ...extra});
const valued = (long: string, role: FlagRole, extra: Partial<FlagSpec> = {}): FlagSpec => ({long, takesValue: true, role, ...extra});

const dockerLogin = [valued('username', 'username', {short: 'u'}), valued('password', 'password', {short: 'p'}), bool('password-stdin', 'password-stdin')];
const dockerAllTags = bool('all-tags', 'all-tags', {short: 'a'});
const dockerQuiet = bool('quiet', 'harmless', {short: 'q'});
const dockerTrust = bool('disable-content-trust', 'content-trust', {default: 'true'});
const dockerPlatform = valued('platform', 'platform', {does: 'picks the image made for another kind of computer'});

const podmanTls = bool('tls-verify', 'tls-verify', {default: 'true'});
const podmanAuthfile = valued('authfile', 'other', {does: 'reads and keeps logins in another file than the one registry-lab checks'});
const podmanCertDir = valued('cert-dir', 'other', {does: 'uses other certificates to reach the registry'});
const podmanCreds = valued('creds', 'credentials');
const podmanQuiet = bool('quiet', 'harmless', {short: 'q'});
const podmanTrust = bool('disable-content-trust', 'harmless');
const podmanPlatform = (long: string) => valued(long, 'platform', {does: 'picks the image made for another kind of computer'});
const changesPush = (long: string, takesValue: boolean, short?: string): FlagSpec => ({
	long,
	takesValue,
	role: 'other',
	does: 'changes how the image is written to the registry',
	...(short ? {short} : {}),
});

/** docker 20.10 up to today's docker (push --platform is new in 28; content trust was removed in 29, its option kept). */
const dockerFlags: Readonly<Record<Verb, readonly FlagSpec[]>> = {
	login: [...dockerLogin, help],
	tag: [help],
	push: [dockerAllTags, dockerTrust, dockerQuiet, {...dockerPlatform, does: 'pushes only the image for one kind of computer'}, help],
	pull: [dockerAllTags, dockerTrust, dockerPlatform, dockerQuiet, help],
};

/** podman 4 and later. */
const podmanFlags: Readonly<Record<Verb, readonly FlagSpec[]>> = {
	login: [
		podmanAuthfile,
		podmanCertDir,
		bool('get-login', 'other', {does: 'only prints who is logged in, and logs in to nothing'}),
		valued('password', 'password', {short: 'p'}),
		bool('password-stdin', 'password-stdin'),
		podmanTls,
		valued('username', 'username', {short: 'u'}),
		bool('verbose', 'harmless', {short: 'v'}),
		help,
	],
	tag: [help],
	push: [
		podmanAuthfile,
		podmanCertDir,
		changesPush('compress', false),
		changesPush('compression-format', true),
		podmanCreds,
		valued('digestfile', 'harmless'),
		podmanTrust,
		changesPush('format', true, 'f'),
		podmanQuiet,
		changesPush('remove-signatures', false),
		changesPush('sign-by', true),
		changesPush('sign-by-sigstore-private-key', true),
		changesPush('sign-passphrase-file', true),
		podmanTls,
		help,
	],
	pull: [
		bool('all-tags', 'all-tags', {short: 'a'}),
		podmanPlatform('arch'),
		podmanAuthfile,
		podmanCertDir,
		podmanCreds,
		podmanTrust,
		podmanPlatform('os'),
		podmanPlatform('platform'),
		podmanQuiet,
		podmanTls,
		podmanPlatform('variant'),
		help,
	],
};

export function flagsOf(engine: EngineName, verb: Verb): readonly FlagSpec[] {
	return (engine === 'podman' ? podmanFlags : dockerFlags)[verb];
}

/** How many names (not options) each command takes: docker's exact counts; podman's tag, push and pull take more. */
export function nameCount(engine: EngineName, verb: Verb): {readonly min: number; readonly max: number} {
	const podman = engine === 'podman';
	switch (verb) {
		case 'login':
			return {min: 0, max: 1};
		case 'tag':
			return {min: 2, max: podman ? Infinity : 2};
		case 'push':
			return {min: 1, max: podman ? 2 : 1};
		case 'pull':
			return {min: 1, max: podman ? Infinity : 1};
	}
}

/** An option as it was read: the spec, how it was written ('-u', '--username'), its value ('true' for a bare boolean). */
export type ParsedFlag = {readonly spec: FlagSpec; readonly written: string; readonly value: string};

/** A word that is not an option, and where it is among the words given to parseFlags. */
export type Positional = {readonly value: string; readonly index: number};

/**
 * Why pflag would stop. `name` is only ever the option's name as written, up to any '=' (never a
 * value, which may be a password); `value` is kept apart for the caller to judge.
 */
export type FlagProblem =
	| {readonly kind: 'unknown'; readonly name: string}
	| {readonly kind: 'needs-value'; readonly name: string; readonly spec: FlagSpec}
	| {readonly kind: 'bad-bool'; readonly name: string; readonly spec: FlagSpec; readonly value: string}
	| {readonly kind: 'bad-syntax'; readonly name: string};

export type ParsedArgs = {
	readonly flags: readonly ParsedFlag[];
	readonly positionals: readonly Positional[];
	/** In the order met. pflag stops at the first; the rest are read on as if it had not, so a later password is still seen. */
	readonly problems: readonly FlagProblem[];
};

/** strconv.ParseBool, which pflag uses for a boolean's value. */
export function parseBool(value: string): boolean | null {
	if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
	if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
	return null;
}

/** Read options and names the way pflag does (interspersed, as cobra's commands are). */
export function parseFlags(words: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
	const flags: ParsedFlag[] = [];
	const positionals: Positional[] = [];
	const problems: FlagProblem[] = [];
	const byLong = new Map(specs.map(spec => [spec.long, spec]));
	const byShort = new Map(specs.flatMap(spec => (spec.short ? [[spec.short, spec] as const] : [])));
	const take = (spec: FlagSpec, written: string, value: string) => {
		if (!spec.takesValue && parseBool(value) === null) problems.push({kind: 'bad-bool', name: written, spec, value});
		else flags.push({spec, written, value});
	};
	let index = 0;
	while (index < words.length) {
		const word = words[index]!;
		index += 1;
		if (word.length < 2 || !word.startsWith('-')) {
			positionals.push({value: word, index: index - 1});
			continue;
		}
		if (word === '--') {
			for (; index < words.length; index++) positionals.push({value: words[index]!, index});
			break;
		}
		if (word.startsWith('--')) {
			const body = word.slice(2);
			const equals = body.indexOf('=');
			const name = equals === -1 ? body : body.slice(0, equals);
			if (name.length === 0 || name.startsWith('-')) {
				problems.push({kind: 'bad-syntax', name: `--${name}`});
				continue;
			}
			const spec = byLong.get(name);
			if (!spec) {
				problems.push({kind: 'unknown', name: `--${name}`});
				continue;
			}
			if (equals !== -1) take(spec, `--${name}`, body.slice(equals + 1));
			else if (!spec.takesValue) take(spec, `--${name}`, 'true');
			else if (index < words.length) take(spec, `--${name}`, words[index++]!);
			else problems.push({kind: 'needs-value', name: `--${name}`, spec});
			continue;
		}
		// One or more one-letter options after a single dash.
		let letters = word.slice(1);
		while (letters.length > 0) {
			const letter = letters[0]!;
			const spec = byShort.get(letter);
			if (!spec) {
				problems.push({kind: 'unknown', name: `-${letter}`});
				break;
			}
			const rest = letters.slice(1);
			if (rest.startsWith('=')) {
				take(spec, `-${letter}`, rest.slice(1));
				letters = '';
			} else if (!spec.takesValue) {
				take(spec, `-${letter}`, 'true');
				letters = rest;
			} else if (rest.length > 0) {
				take(spec, `-${letter}`, rest);
				letters = '';
			} else if (index < words.length) {
				take(spec, `-${letter}`, words[index++]!);
				letters = '';
			} else {
				problems.push({kind: 'needs-value', name: `-${letter}`, spec});
				letters = '';
			}
		}
	}
	return {flags, positionals, problems};
}

/** The value an option ends with (the last one given wins, as in pflag), a boolean's as 'true'/'false', or null when not given. */
export function flagValue(flags: readonly ParsedFlag[], spec: FlagSpec): string | null {
	const last = flags.filter(flag => flag.spec.long === spec.long).at(-1);
	if (!last) return null;
	if (spec.takesValue) return last.value;
	return parseBool(last.value) ? 'true' : 'false';
}

/** The value in effect: as given, or the option's default. */
export function effectiveValue(flags: readonly ParsedFlag[], spec: FlagSpec): string {
	return flagValue(flags, spec) ?? spec.default ?? (spec.takesValue ? '' : 'false');
}

/** Which command the words name, after the engine: `push ...`, or the management form `image push ...`. */
export type FoundCommand = {
	/** The command as it was named: 'push', or 'image push'. */
	readonly name: string;
	/** 'push' for both forms; the other commands are named as typed. */
	readonly command: string;
	/** How many words the name took (1 or 2). */
	readonly words: number;
};

const imageCommands: Readonly<Record<string, string>> = {tag: 'tag', push: 'push', pull: 'pull', ls: 'images', list: 'images'};

/** The command the words start with (the caller has refused options before it), or null when there is none. */
export function findCommand(words: readonly string[]): FoundCommand | null {
	const [first, second] = words;
	if (first === undefined) return null;
	if (first === 'image' && second !== undefined && !second.startsWith('-')) {
		const command = imageCommands[second];
		return {name: `image ${second}`, command: command ?? `image ${second}`, words: 2};
	}
	return {name: first, command: first, words: 1};
}

export const isVerb = (command: string): command is Verb => command === 'login' || command === 'tag' || command === 'push' || command === 'pull';

/**
 * ConvertToHostname, as docker applies it to a login's registry: drop `scheme://`, then anything
 * from the first '/'. 'https://127.0.0.1:5000/v2/' is '127.0.0.1:5000'.
 */
export function loginHostname(server: string): string {
	const scheme = server.indexOf('://');
	const rest = scheme === -1 ? server : server.slice(scheme + 3);
	return rest.split('/')[0] ?? '';
}
