import {isDockerHub, registryTitle} from '../registry/address.js';
import {parseReference} from './reference.js';

export type SplitResult = {readonly ok: true; readonly words: string[]} | {readonly ok: false; readonly reason: string};

const shellOperators = new Set(['|', '||', '&', '&&', ';', '>', '>>', '<', '<<']);
/** Command substitution, anywhere in a word: a dollar sign with a parenthesis, or a backquote. */
const substitution = /\$\(|`/;

/**
 * Split a typed line into words the way a POSIX shell would (quotes and backslashes),
 * without ever running a shell: no variables, no globbing, no pipes.
 */
export function splitCommandLine(line: string): SplitResult {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quote: '"' | "'" | null = null;
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
		} else {
			word += char;
			inWord = true;
		}
	}
	if (quote) return {ok: false, reason: `A ${quote === '"' ? 'double' : 'single'} quote (${quote}) is opened but never closed.`};
	if (inWord) words.push(word);
	const operator = words.find(candidate => shellOperators.has(candidate) || substitution.test(candidate));
	if (operator) {
		return {ok: false, reason: `registry-lab runs one command and no shell, so '${operator}' has no meaning here. Type just the ${'docker'} command.`};
	}
	return {ok: true, words};
}

export type TypedMistake =
	| 'empty'
	| 'not-engine'
	| 'subcommand'
	| 'not-allowed'
	| 'secret-in-argv'
	| 'missing-argument'
	| 'extra-argument'
	| 'registry-host'
	| 'namespace'
	| 'missing-tag'
	| 'source-image'
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

const aliases: Readonly<Record<string, string>> = {
	'image tag': 'tag',
	'image push': 'push',
	'image pull': 'pull',
	'image ls': 'images',
	'image list': 'images',
};

/**
 * Compare what the student typed with what the step needs, and say what differs in words a
 * beginner understands. Only an exact match (after aliases such as `docker image push`) passes.
 */
export function compareTyped(words: readonly string[], context: TypedContext): TypedVerdict {
	const {engine, expected} = context;
	if (words.length === 0) return {ok: false, mistake: 'empty', message: 'Type the command, starting with ' + engine + '.'};
	let typed = [...words];
	if (typed[0] === 'sudo') return {ok: false, mistake: 'not-engine', message: `Leave out sudo: registry-lab runs ${engine} as you.`};
	if (typed[0] !== engine) {
		return {ok: false, mistake: 'not-engine', message: `Only ${engine} commands run here, and this one starts with '${typed[0]}'. Start with ${engine}.`};
	}
	typed = typed.slice(1);
	const alias = aliases[`${typed[0]} ${typed[1]}`];
	if (alias) typed = [alias, ...typed.slice(2)];
	const [subcommand, ...rest] = typed;
	const [wanted = '', ...wantedRest] = expected;
	if (!subcommand) return {ok: false, mistake: 'missing-argument', message: `${engine} needs to know what to do: this step is \`${engine} ${wanted}\`.`};
	if (subcommand !== wanted) {
		if (distance(subcommand, wanted) <= 2) {
			return {ok: false, mistake: 'subcommand', message: `'${engine} ${subcommand}' is not a command: did you mean '${engine} ${wanted}'?`};
		}
		return {ok: false, mistake: 'not-allowed', message: `This step is about \`${engine} ${wanted}\`; '${engine} ${subcommand}' is not run here.`};
	}
	if (rest.some(word => word === '-p' || word.startsWith('--password=') || word === '--password')) {
		return {
			ok: false,
			mistake: 'secret-in-argv',
			message:
				'Never put a password on the command line: others can see it in the process list and your shell history. ' +
				'Use --password-stdin; registry-lab hands the password to docker.',
		};
	}
	const positional = (list: readonly string[]) => list.filter(word => !word.startsWith('-'));
	const typedArgs = positional(rest);
	const wantedArgs = positional(wantedRest);
	if (typedArgs.length < wantedArgs.length) {
		return {
			ok: false,
			mistake: 'missing-argument',
			message: `\`${engine} ${wanted}\` needs ${count(wantedArgs.length)} here (${describeArgs(wanted)}); you gave ${count(typedArgs.length)}.`,
		};
	}
	if (typedArgs.length > wantedArgs.length) {
		const extra = typedArgs.slice(wantedArgs.length).join(' ');
		return {
			ok: false,
			mistake: 'extra-argument',
			message: `\`${engine} ${wanted}\` takes ${count(wantedArgs.length)} here (${describeArgs(wanted)}); '${extra}' is one too many.`,
		};
	}
	for (const [index, want] of wantedArgs.entries()) {
		const got = typedArgs[index]!;
		if (got === want) continue;
		const isSource = wanted === 'tag' && index === 0;
		return {ok: false, ...explainDifference(got, want, isSource, context)};
	}
	const flags = (list: readonly string[]) => list.filter(word => word.startsWith('-')).sort().join(' ');
	if (flags(rest) !== flags(wantedRest)) {
		return {ok: false, mistake: 'different', message: `Almost: this step uses ${flags(wantedRest) || 'no options'}, you typed ${flags(rest) || 'none'}.`};
	}
	return {ok: true};
}

function explainDifference(got: string, want: string, isSource: boolean, context: TypedContext): {mistake: TypedMistake; message: string} {
	if (isSource) return {mistake: 'source-image', message: `The image to tag is the one you chose, ${want}; you typed '${got}'.`};
	const typed = parseReference(got);
	const wanted = parseReference(want);
	if (!typed.valid) return {mistake: 'different', message: `'${got}' is not a valid image name: ${typed.reason}`};
	if (!wanted.valid) return {mistake: 'different', message: `Type ${want} here.`};
	const a = typed.reference;
	const b = wanted.reference;
	if (a.domain !== b.domain) {
		return {
			mistake: 'registry-host',
			message: isDockerHub(b.domain)
				? `For Docker Hub the name starts with your username, with no registry in front: '${a.domain}' is read as a registry.`
				: `The name must start with the registry, ${b.domain}/, or docker sends it to ${registryTitle(a.domain)} instead.`,
		};
	}
	if (a.path !== b.path) {
		const typedNamespace = a.path.startsWith('library/') ? null : a.path.split('/')[0];
		if (context.username && b.path.startsWith(`${context.username}/`) && typedNamespace !== context.username) {
			return {mistake: 'namespace', message: `The repository must be under your username: ${b.path}, not ${a.path.replace(/^library\//, '')}.`};
		}
		return {mistake: 'different', message: `The repository is ${b.path}; you typed ${a.path}.`};
	}
	const wantedTag = b.tag ?? 'latest';
	if (!/:[\w][\w.-]*$/.test(got.split('/').at(-1) ?? '') && wantedTag !== 'latest') {
		return {mistake: 'missing-tag', message: `Add the tag, :${wantedTag}. Without one docker uses 'latest', which is not what you named.`};
	}
	return {mistake: 'different', message: `The tag is ${wantedTag}; you typed ${a.tag ?? 'latest'}.`};
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

const count = (n: number): string => (n === 1 ? 'one name' : `${n} names`);

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
