/**
 * What a lesson may ask the engine to do. A lesson file is something a student may download, so
 * its commands are held to an allow-list: the subcommands the lessons need, each with the options
 * that cannot widen what it does, and no global option (another daemon, another config, another
 * context). The loader refuses a lesson that breaks it; the driver checks the filled-in arguments
 * again before anything runs, so a value typed by a student cannot become an option.
 */

type OptionSpec = {readonly value: boolean};
type Subcommand = {
	readonly options: Readonly<Record<string, OptionSpec>>;
	/** For `run`: what follows the image is the container's own command, not the engine's options. */
	readonly commandAfterImage?: boolean;
	/** Whether a value is allowed for this option (the option and the value as given). */
	readonly valueProblem?: (option: string, value: string) => string | undefined;
	/** Whether a name (not an option) is allowed, as given or once filled in. */
	readonly nameProblem?: (name: string) => string | undefined;
};

const flag: OptionSpec = {value: false};
const withValue: OptionSpec = {value: true};

const listOptions = {
	'-a': flag,
	'--all': flag,
	'-q': flag,
	'--quiet': flag,
	'--digests': flag,
	'--no-trunc': flag,
	'--format': withValue,
	'-f': withValue,
	'--filter': withValue,
} as const;

/**
 * Removing an image may take away one name, never more: no -f (which removes every tag of an image named by
 * its id, and an image a container uses), and no image id or digest (an id removes every tag of its
 * repository at once). A name without a tag is NAME:latest, one tag.
 */
const removeOne: Subcommand = {
	options: {'--no-prune': flag},
	nameProblem(name) {
		if (/^(sha256:)?[0-9a-f]{12,64}$/i.test(name) || name.includes('@')) {
			return `'${name}' names an image by its id or digest, which would remove every name it has; a lesson removes one NAME:TAG at a time.`;
		}
		return undefined;
	},
};

const transferOptions = {'-q': flag, '--quiet': flag, '--disable-content-trust': flag, '--platform': withValue, '-a': flag, '--all-tags': flag};

const subcommands: Readonly<Record<string, Subcommand>> = {
	login: {options: {'-u': withValue, '--username': withValue, '--password-stdin': flag}},
	logout: {options: {}},
	tag: {options: {}},
	push: {options: transferOptions},
	pull: {options: transferOptions},
	images: {options: listOptions},
	'image ls': {options: listOptions},
	'image list': {options: listOptions},
	'image inspect': {options: {'-f': withValue, '--format': withValue}},
	'image rm': removeOne,
	'image tag': {options: {}},
	'image push': {options: transferOptions},
	'image pull': {options: transferOptions},
	rmi: removeOne,
	run: {
		commandAfterImage: true,
		options: {
			'--rm': flag,
			'-i': flag,
			'--interactive': flag,
			'-t': flag,
			'--tty': flag,
			'-d': flag,
			'--detach': flag,
			'--name': withValue,
			'-e': withValue,
			'--env': withValue,
			'-w': withValue,
			'--workdir': withValue,
			'--entrypoint': withValue,
			'--platform': withValue,
			'--pull': withValue,
			'--network': withValue,
			'--net': withValue,
			'-p': withValue,
			'--publish': withValue,
		},
		valueProblem(option, value) {
			if ((option === '--network' || option === '--net') && /^(host|container:.*|ns:.*)$/i.test(value)) {
				return `${option} ${value} gives the container this computer's network; lessons may not use it.`;
			}
			if ((option === '-p' || option === '--publish') && !/^127\.0\.0\.1:\d+:\d+(\/(tcp|udp))?$/.test(value)) {
				return `${option} ${value} would open a port to other computers; a lesson may publish only on 127.0.0.1 (127.0.0.1:HOSTPORT:PORT).`;
			}
			return undefined;
		},
	},
};

export const allowedSubcommands: readonly string[] = Object.keys(subcommands);

export type ArgsProblem = {
	/** Which argument (0-based, after the engine program). */
	readonly index: number;
	readonly reason: string;
};

/**
 * Whether these arguments (after the engine program) keep to the allow-list. `isPlaceholder` tells which
 * arguments are still templates, to be filled in when the lesson runs: a placeholder is a value, never an
 * option, and never the subcommand.
 */
export function engineArgsProblem(args: readonly string[], isPlaceholder: (index: number) => boolean = () => false): ArgsProblem | undefined {
	const first = args[0];
	if (first === undefined) return {index: 0, reason: 'the command has no subcommand.'};
	if (first.startsWith('-')) return {index: 0, reason: `'${first}' is a global option of the engine; lessons may not use any (-H, --config, --context …).`};
	if (isPlaceholder(0)) return {index: 0, reason: 'the subcommand must be written out, not a {placeholder}.'};
	const two = `${first} ${args[1] ?? ''}`;
	const name = subcommands[two] && !isPlaceholder(1) ? two : first;
	const spec = subcommands[name];
	if (!spec) return {index: 0, reason: `lessons may not run '${first}' (allowed: ${allowedSubcommands.join(', ')}).`};
	const start = name.split(' ').length;
	let positionals = 0;
	for (let index = start; index < args.length; index++) {
		const arg = args[index]!;
		// After --, everything is a value.
		if (arg === '--') return undefined;
		if (isPlaceholder(index) || !arg.startsWith('-') || arg === '-') {
			const problem = isPlaceholder(index) ? undefined : spec.nameProblem?.(arg);
			if (problem) return {index, reason: problem};
			positionals++;
			if (spec.commandAfterImage && positionals === 1) return undefined;
			continue;
		}
		const [option = arg, attached] = arg.startsWith('--') ? splitOnce(arg, '=') : [arg, undefined];
		const known = spec.options[option];
		if (!known) {
			// Short options may be bundled (-it) when each is a flag the subcommand allows.
			const bundled = !arg.startsWith('--') && arg.length > 2 && [...arg.slice(1)].every(letter => spec.options[`-${letter}`] === flag);
			if (bundled) continue;
			return {index, reason: `the option '${option}' is not allowed with '${name}' in a lesson.`};
		}
		if (!known.value) {
			if (attached !== undefined) return {index, reason: `'${option}' takes no value.`};
			continue;
		}
		const value = attached ?? args[index + 1];
		if (value === undefined) return {index, reason: `'${option}' needs a value.`};
		const valueIsPlaceholder = attached === undefined && isPlaceholder(index + 1);
		const problem = valueIsPlaceholder ? undefined : spec.valueProblem?.(option, value);
		if (problem) return {index, reason: problem};
		if (attached === undefined) index++;
	}
	return undefined;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
	const at = text.indexOf(separator);
	return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
