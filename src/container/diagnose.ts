/**
 * What went wrong, from what docker or podman printed.
 *
 * `diagnose(text, context)` reads the output of a failed engine command
 * (stderr and stdout together) and names ONE cause from a fixed list, with a
 * short sentence saying what happened and a hint saying what to do next. The
 * rules are plain regular expressions tried in order; the order matters
 * because several messages share words (a pull that is "denied" means the
 * image is missing or private, a push that is "denied" means no permission).
 *
 * The patterns cover both message families: older docker (graphdriver image
 * store) and docker v29 with the containerd image store, and podman's
 * (containers/image) wording. Real examples live in
 * test/fixtures/docker-errors.json and test/fixtures/engine-errors-real.json.
 *
 * The text can come from a hostile registry, so matching stays linear: only the tail of the
 * output is read (the error is at the end), and no pattern lets two unbounded quantifiers, or
 * two match attempts on one line, range over the same characters.
 */
import type {Cause, Diagnosis} from '../lesson/results.js';
import {dockerHubDomain, isDockerHub, isLoopbackHost, registryName, registryTitle} from '../registry/address.js';
import {checkNamespace, parseReference, type ImageReference} from './reference.js';

export type DiagnoseContext = {
	/** What ran, e.g. 'docker push 127.0.0.1:5000/alice/demo:1.0' or just 'docker login'. */
	readonly command?: string;
	readonly engine?: 'docker' | 'podman';
	/** host[:port] or 'docker.io'. */
	readonly registry?: string;
	readonly username?: string;
	/** The image reference involved. */
	readonly reference?: string;
	/**
	 * The computer the engine runs on (`process.platform` where the lab runs the engine itself): the advice
	 * names that platform's settings. Without it (a message pasted from anywhere), it names every platform's.
	 */
	readonly platform?: NodeJS.Platform;
};

/** The engines print the error last: the tail is enough, and it bounds the work on a hostile message. */
export const examinedChars = 64 * 1024;
export const examinedLines = 200;

export function diagnose(text: string, context: DiagnoseContext = {}): Diagnosis {
	const facts = factsOf(tailOf(text), context);
	const cause = causeOf(facts);
	return {cause, ...explain[cause](facts)};
}

// ---------------------------------------------------------------------------
// What we know: the message, and what the context (or the message) tells us.

/** The last `examinedLines` lines of the last `examinedChars` characters. */
export function tailOf(text: string): string {
	let tail = text.length > examinedChars ? text.slice(-examinedChars) : text;
	let end = tail.length;
	for (let count = 0; count < examinedLines && end > 0; count++) end = tail.lastIndexOf('\n', end - 1);
	if (end > 0) tail = tail.slice(end + 1);
	return tail;
}

/** Whether some line has `first` and, after it, `then` (both lower case): what `first[^\n]*then` says, in linear time. */
function inOrderOnALine(text: string, first: string, then: string): boolean {
	const lower = text.toLowerCase();
	for (let at = lower.indexOf(first); at !== -1;) {
		const lineEnd = lower.indexOf('\n', at);
		const end = lineEnd === -1 ? lower.length : lineEnd;
		const found = lower.indexOf(then, at + first.length);
		if (found !== -1 && found + then.length <= end) return true;
		if (lineEnd === -1) return false;
		// A later `first` on the same line can only find less: go to the next line.
		at = lower.indexOf(first, end);
	}
	return false;
}

type Subcommand = 'login' | 'logout' | 'push' | 'pull' | 'run' | 'tag' | 'inspect' | 'rmi' | 'other';

type Facts = {
	readonly text: string;
	readonly engine: 'docker' | 'podman';
	readonly subcommand: Subcommand | null;
	readonly registry: string | null;
	readonly username: string | null;
	readonly reference: string | null;
	/** The source image of a `tag` command (the first name), when the command shows it. */
	readonly tagSource: string | null;
	readonly tlsVerifyOff: boolean;
	/** Linux, or Docker Desktop's and podman machine's Mac and Windows; null: not known, so both. */
	readonly platform: 'linux' | 'mac-or-windows' | null;
};

/** Flags that take a value in the next word, so that value is not read as an image name or host. */
const flagsWithValue = new Set([
	'-u',
	'--username',
	'-p',
	'--password',
	'--authfile',
	'--cert-dir',
	'--creds',
	'--platform',
	'--arch',
	'--os',
	'--variant',
	'--format',
	'-f',
	'--retry',
	'--retry-delay',
	'--storage-driver',
	'--url',
	'--connection',
	'-c',
	'--context',
	'-H',
	'--host',
	'--config',
	'--log-level',
]);

type CommandParts = {
	readonly engine: 'docker' | 'podman' | null;
	readonly subcommand: Subcommand | null;
	/** Words after the subcommand that are not flags nor flag values. */
	readonly operands: readonly string[];
	readonly username: string | null;
	/** podman's --tls-verify=false was given (a plain-HTTP registry). */
	readonly tlsVerifyOff: boolean;
};

function parseCommand(command: string | undefined): CommandParts {
	if (!command) return {engine: null, subcommand: null, operands: [], username: null, tlsVerifyOff: false};
	const words: string[] = [];
	for (const word of command.match(/'[^']*'|"[^"]*"|\S+/g) ?? []) {
		// Notes in parentheses, or a list of alternatives, end the command itself.
		if (word.startsWith('(') || word === '/' || word === '|') break;
		words.push(word.replace(/^(['"])(.*)\1$/, '$2'));
	}
	const start = words.findIndex(word => /(?:^|\/)(?:docker|podman)(?:\.exe)?$/.test(word));
	const engineWord = start === -1 ? undefined : words[start];
	const engine = engineWord === undefined ? null : engineWord.includes('podman') ? 'podman' : 'docker';
	let subcommand: Subcommand | null = null;
	let username: string | null = null;
	let tlsVerifyOff = false;
	const operands: string[] = [];
	for (let index = start + 1; index < words.length; index++) {
		const word = words[index] ?? '';
		if (word.startsWith('-')) {
			const [flag, inline] = word.split('=', 2) as [string, string | undefined];
			const value = inline ?? (flagsWithValue.has(flag) ? words[++index] : undefined);
			if ((flag === '-u' || flag === '--username') && value) username = value;
			if (flag === '--tls-verify' && inline === 'false') tlsVerifyOff = true;
			continue;
		}
		if (subcommand === null) {
			if (word === 'image' || word === 'container') continue; // `docker image push` is `docker push`
			subcommand = (['login', 'logout', 'push', 'pull', 'run', 'tag', 'inspect', 'rmi'] as const).find(known => known === word) ?? 'other';
			continue;
		}
		operands.push(word);
	}
	return {engine, subcommand, operands, username, tlsVerifyOff};
}

function factsOf(text: string, context: DiagnoseContext): Facts {
	const command = parseCommand(context.command);
	const engine = context.engine ?? command.engine ?? (/^Error: /m.test(text) && !/Error response from daemon/.test(text) ? 'podman' : 'docker');
	const {subcommand, operands} = command;
	const imageOperand =
		subcommand === 'tag'
			? operands[1]
			: subcommand === 'push' || subcommand === 'pull' || subcommand === 'run' || subcommand === 'inspect' || subcommand === 'rmi'
				? operands[0]
				: undefined;
	const reference = context.reference ?? imageOperand ?? null;
	const login = subcommand === 'login' || subcommand === 'logout';
	// The registry docker contacted: the one its message names, else the one the command names, and only then the
	// lesson's (a name without a host went to Docker Hub, whatever registry the lesson is about).
	const named = hostInText(text);
	const registry =
		(named !== null && registryHost.test(named) ? named : null) ??
		domainOf(nameInText(text)) ??
		(login ? (operands[0] ?? null) : domainOf(imageOperand ?? null)) ??
		context.registry ??
		(login ? dockerHubDomain : null) ??
		domainOf(reference);
	return {
		text,
		engine,
		subcommand,
		// Messages name Docker Hub's server, registry-1.docker.io: that is Docker Hub too.
		registry: registry === null ? null : registryName(registry, {server: true}),
		username: context.username ?? command.username,
		reference,
		tagSource: subcommand === 'tag' ? (operands[0] ?? null) : null,
		tlsVerifyOff: command.tlsVerifyOff,
		platform: context.platform === 'linux' ? 'linux' : context.platform === 'darwin' || context.platform === 'win32' ? 'mac-or-windows' : null,
	};
}

function domainOf(reference: string | null): string | null {
	if (!reference) return null;
	const parsed = parseReference(reference);
	return parsed.valid ? parsed.reference.domain : null;
}

/** The image a message names without its registry host: `pull access denied for bob/demo, …`, `failed to resolve reference "…"`. */
function nameInText(text: string): string | null {
	const name =
		/pull access denied for ([^\s,"]{1,300})/.exec(text) ??
		/failed to resolve reference "([^\s"]{1,300})"/.exec(text) ??
		/manifest for ([^\s"]{1,300}) not found/.exec(text);
	return name?.[1] ?? null;
}

/** The registry host a message names: `Get "https://HOST/v2/"`, `pinging container registry HOST`, `login attempt to http://HOST/v2/`. */
function hostInText(text: string): string | null {
	const url = /https?:\/\/([^/"\s`]{1,255})\/v2\//.exec(text);
	if (url?.[1]) return url[1];
	const ping = /pinging container registry ([^\s:]{1,255}(?::\d{1,5})?)/.exec(text);
	if (ping?.[1]) return ping[1];
	const repository = /The push refers to repository \[([^/\][\s]{1,255})\//.exec(text);
	return repository?.[1] ?? null;
}

// ---------------------------------------------------------------------------
// The rules, in order. The first that matches names the cause.

type Rule = {readonly cause: Cause; readonly when: (facts: Facts) => boolean};

const has =
	(pattern: RegExp) =>
	(facts: Facts): boolean =>
		pattern.test(facts.text);

const engineNotFound = new RegExp(
	[
		String.raw`exec: "(?:[^"]*[\\/])?(?:docker|podman)(?:\.exe)?": executable file not found`,
		String.raw`\b(?:docker|podman): (?:command )?not found`,
		String.raw`command not found: (?:docker|podman)\b`,
		String.raw`Unknown command:? '?(?:docker|podman)\b`,
		String.raw`\b(?:ba|da|z|k)?sh: (?:line \d+: )?\S*[\\/](?:docker|podman): No such file or directory`,
		String.raw`zsh: no such file or directory: \S*[\\/](?:docker|podman)$`,
		String.raw`'(?:docker|podman)' is not recognized as`,
		String.raw`The term '(?:docker|podman)(?:\.exe)?' is not recognized`,
		String.raw`The command '(?:docker|podman)' could not be found in this WSL`,
		String.raw`^ENOENT$`,
	].join('|'),
	'im',
);

const credentialHelper = /docker-credential-|error (?:getting|storing|erasing|listing) credentials|credentials? (?:store|helper)|pass not initialized/i;

const daemonPermission = new RegExp(
	[
		String.raw`permission denied while trying to connect to the (?:docker daemon socket|docker API)`,
		String.raw`docker client must be run with elevated privileges`,
		String.raw`dial unix [^:\s]*docker\.sock: connect: permission denied`,
		String.raw`Got permission denied while trying to connect`,
	].join('|'),
	'i',
);

const daemonUnreachable = new RegExp(
	[
		String.raw`Cannot connect to the Docker daemon`,
		String.raw`Is the docker daemon running`,
		String.raw`failed to connect to the docker API`,
		String.raw`error during connect`,
		String.raw`docker daemon is not running`,
		String.raw`pipe[\\/](?:docker_engine|dockerDesktop\w*Engine)`,
		String.raw`Cannot connect to Podman`,
		String.raw`unable to connect to Podman socket`,
		String.raw`podman machine start`,
	].join('|'),
	'i',
);

const diskFull = /no space left on device|disk quota exceeded/i;

const rateLimited = /toomanyrequests|too many requests|rate limit|\b429\b/i;

const tlsUntrusted = new RegExp(
	[
		String.raw`x509:`,
		String.raw`certificate signed by unknown authority`,
		String.raw`tls: failed to verify certificate`,
		String.raw`certificate is (?:valid for|not valid|not trusted)`,
		String.raw`certificate has expired`,
		String.raw`certificate is not yet valid`,
		String.raw`unknown certificate authority`,
	].join('|'),
	'i',
);

/** A TLS client met a plain-HTTP registry (the classroom's usual case), or a plain-HTTP client an HTTPS registry. */
const httpAskedInHttps = /server gave HTTP response to HTTPS client|first record does not look like a TLS handshake/i;
const httpsAskedInHttp = /client sent an HTTP request to an HTTPS server/i;
const httpVsHttps = new RegExp(`${httpAskedInHttps.source}|${httpsAskedInHttp.source}`, 'i');

const platformMismatch = new RegExp(
	[
		String.raw`no matching manifest for`,
		String.raw`no image found in manifest list for architecture`,
		String.raw`does not match the specified platform`,
		String.raw`image platform \([^()]*\) does not match`,
		String.raw`exec format error`,
	].join('|'),
	'i',
);

const invalidReference = new RegExp(
	[
		String.raw`invalid reference format`,
		String.raw`must be lowercase`,
		String.raw`is not a valid repository\/tag`,
		String.raw`invalid checksum digest format`,
		String.raw`unsupported digest algorithm`,
		String.raw`cannot specify 64-byte hexadecimal strings`,
		String.raw`repository name must have at least one component`,
		String.raw`invalid tag format`,
		String.raw`invalid repository name`,
	].join('|'),
	'i',
);

const localImageMissing = /No such image|An image does not exist locally with the tag|tag does not exist:|image not known|reference does not exist/i;

const network = new RegExp(
	[
		String.raw`connection refused`,
		String.raw`no such host`,
		String.raw`i\/o timeout`,
		String.raw`TLS handshake timeout`,
		String.raw`Client\.Timeout exceeded`,
		String.raw`request canceled while waiting for connection`,
		String.raw`network is unreachable`,
		String.raw`no route to host`,
		String.raw`connection reset by peer`,
		String.raw`proxyconnect`,
		String.raw`temporary failure in name resolution`,
		String.raw`server misbehaving`,
		String.raw`context deadline exceeded`,
		String.raw`dial tcp`,
	].join('|'),
	'i',
);

const pullAccessDenied = /pull access denied|repository does not exist or may require 'docker login'/i;
const pushAccessDenied = /push access denied|insufficient_scope/i;
const loginRefused = new RegExp(
	[
		String.raw`login attempt to \S+ failed with status: 40[13]`,
		String.raw`incorrect username or password`,
		String.raw`invalid username\/password`,
		String.raw`must (?:log in|login) with a Personal Access Token`,
		String.raw`unauthorized: (?:incorrect|invalid) (?:username|password|credentials)`,
		// docker login tried the login it had stored, and the registry refused it.
		String.raw`Stored credentials invalid or expired`,
	].join('|'),
	'i',
);
const noCredentials = /no basic auth credentials/i;
const resourceDenied = /requested access to the resource is denied/i;
const unauthorized = /unauthorized|authentication required|\b401\b|failed to authorize|failed to fetch (?:anonymous|oauth) token/i;
const imageNotFound = new RegExp(
	[
		String.raw`manifest unknown`,
		String.raw`manifest for \S+ not found`,
		String.raw`name unknown`,
		String.raw`repository name not known`,
		String.raw`repository \S+ not found`,
		String.raw`\bnot found: not found`,
		String.raw`reading manifest \S+ in \S+: (?:manifest unknown|name unknown|not found)`,
	].join('|'),
	'i',
);

/** `spawn …docker… ENOENT`: the token is matched once, then searched, so a long token costs its length only. */
const spawnMissing = (facts: Facts): boolean => {
	for (const match of facts.text.matchAll(/spawn (\S*) ENOENT/gi)) if (/docker|podman/i.test(match[1] ?? '')) return true;
	return false;
};

const isPull = (facts: Facts): boolean => facts.subcommand === 'pull' || facts.subcommand === 'run';
const isLogin = (facts: Facts): boolean => facts.subcommand === 'login';

const rules: readonly Rule[] = [
	{cause: 'engine-missing', when: facts => engineNotFound.test(facts.text) || spawnMissing(facts)},
	{cause: 'credential-helper', when: has(credentialHelper)},
	{cause: 'daemon-permission', when: has(daemonPermission)},
	{cause: 'daemon-unreachable', when: has(daemonUnreachable)},
	{cause: 'disk-full', when: has(diskFull)},
	{cause: 'rate-limited', when: has(rateLimited)},
	{cause: 'tls-untrusted', when: has(tlsUntrusted)},
	{cause: 'http-vs-https', when: has(httpVsHttps)},
	{cause: 'invalid-reference', when: has(invalidReference)},
	{cause: 'platform-mismatch', when: has(platformMismatch)},
	{cause: 'local-image-missing', when: has(localImageMissing)},
	// Network failures can mention tokens and logins ("failed to fetch anonymous token: ... no such host"): before the login rules.
	{cause: 'network', when: has(network)},
	// A pull that is "denied" means the image does not exist or is private; a push that is "denied" means no permission.
	{cause: 'image-not-found', when: facts => pullAccessDenied.test(facts.text) || (pushAccessDenied.test(facts.text) && isPull(facts))},
	{cause: 'push-denied', when: facts => pushAccessDenied.test(facts.text) && !isPull(facts)},
	{cause: 'login-failed', when: has(loginRefused)},
	{cause: 'not-logged-in', when: has(noCredentials)},
	{cause: 'image-not-found', when: facts => resourceDenied.test(facts.text) && isPull(facts)},
	{cause: 'push-denied', when: has(resourceDenied)},
	{cause: 'login-failed', when: facts => unauthorized.test(facts.text) && isLogin(facts)},
	{cause: 'not-logged-in', when: has(unauthorized)},
	{cause: 'image-not-found', when: facts => imageNotFound.test(facts.text) || inOrderOnALine(facts.text, 'failed to resolve reference', ': not found')},
];

function causeOf(facts: Facts): Cause {
	return rules.find(rule => rule.when(facts))?.cause ?? 'unknown';
}

// ---------------------------------------------------------------------------
// What each cause means, and what to do, in plain words.

type Explanation = {readonly title: string; readonly hint: string};

const code = (command: string): string => `\`${command}\``;

/** 'Docker Hub' or the host, for sentences. */
const registryWords = (registry: string | null): string => (registry === null ? 'the registry' : registryTitle(registry));

/** The login command for a registry: Docker Hub needs no host. */
function loginCommand(facts: Facts): string {
	const host = facts.registry !== null && !isDockerHub(facts.registry) ? ` ${facts.registry}` : '';
	const user = facts.username ? ` -u ${facts.username}` : '';
	const tls = facts.engine === 'podman' && facts.tlsVerifyOff ? ' --tls-verify=false' : '';
	return `${facts.engine} login${tls}${host}${user}`;
}

function parsedReference(facts: Facts): ImageReference | null {
	if (!facts.reference) return null;
	const parsed = parseReference(facts.reference);
	return parsed.valid ? parsed.reference : null;
}

/** The same podman command with --tls-verify=false, for a plain-HTTP registry. */
function podmanExample(facts: Facts, host: string): string {
	if ((facts.subcommand === 'push' || facts.subcommand === 'pull') && facts.reference) {
		return `podman ${facts.subcommand} --tls-verify=false ${facts.reference}`;
	}
	return `podman login --tls-verify=false ${host}`;
}

/** host[:port] as the engines write a registry: nothing else may go into the settings the student copies. */
const registryHost = /^(?:\[[\da-f:.]{2,45}\]|[a-z\d](?:[a-z\d.-]{0,251}[a-z\d])?)(?::\d{1,5})?$/i;

/** The registry the engine refused, as its message names it (`Get "https://10.0.0.2:5000/v2/"`): the one to allow, whatever the command said. */
function plainHttpHost(facts: Facts): string {
	for (const candidate of [hostInText(facts.text), facts.registry]) if (candidate && registryHost.test(candidate)) return candidate;
	return 'HOST:PORT';
}

/**
 * What docker needs to use plain HTTP with a registry that is not on this computer: an insecure-registries entry, then a
 * restart. Short lines: the app shows them in an 80-column terminal with the rest of the step.
 */
function allowPlainHttpInDocker(facts: Facts, host: string): string[] {
	const key = `"insecure-registries": ["${host}"]`;
	const restart = `then restart docker: ${code('sudo systemctl restart docker')}.`;
	const file = 'in /etc/docker/daemon.json (merged with what the file holds):';
	switch (facts.platform) {
		case 'mac-or-windows':
			return ["Open Docker Desktop's Settings › Docker Engine; after the first {, add:", `  ${key},`, 'then click Apply & restart.'];
		case 'linux':
			return [`Allow it ${file}`, `  {${key}}`, restart, 'Docker Desktop: put the key in Settings › Docker Engine; Apply & restart.'];
		default:
			return [
				`On Linux, allow it ${file}`,
				`  {${key}}`,
				restart,
				'Docker Desktop (Mac, Windows): put the key in Settings › Docker Engine; Apply & restart.',
			];
	}
}

/** What podman needs: the registry marked insecure in registries.conf (inside the podman machine on Mac and Windows), or --tls-verify=false. */
function allowPlainHttpInPodman(facts: Facts, host: string): string[] {
	const entry = ['  [[registry]]', `  location = "${host}"`, '  insecure = true'];
	const perCommand = `Or add --tls-verify=false to each command: ${code(podmanExample(facts, host))}.`;
	const restart = `${code('podman machine stop')} and ${code('podman machine start')}`;
	const file = 'Add this to the end of /etc/containers/registries.conf:';
	const ownFile = '(in ~/.config/containers/registries.conf instead, if you have one)';
	switch (facts.platform) {
		case 'mac-or-windows':
			return [
				`In ${code('podman machine ssh')}, with sudo, add this to the end of /etc/containers/registries.conf:`,
				...entry,
				`then ${code('exit')}, ${restart}.`,
				perCommand,
			];
		case 'linux':
			return [file, ...entry, ownFile, perCommand];
		default:
			return [file, ...entry, ownFile, `On Mac or Windows, edit it in ${code('podman machine ssh')}, then ${restart}.`, perCommand];
	}
}

const explain: Readonly<Record<Cause, (facts: Facts) => Explanation>> = {
	'engine-missing'(facts) {
		const program = facts.engine;
		if (/could not be found in this WSL/i.test(facts.text)) {
			return {
				title: `The ${program} command is not available inside this WSL (Linux on Windows) terminal.`,
				hint: 'Open Docker Desktop, go to Settings → Resources → WSL integration, turn it on for this Linux distribution, then open a new terminal.',
			};
		}
		if (program === 'podman') {
			return {
				title: 'The podman program is not installed on this computer (or it is not on your PATH).',
				hint:
					'Install podman (https://podman.io/docs/installation): on Linux with your package manager (e.g. `sudo apt install podman`), ' +
					'on Mac or Windows with Podman Desktop, then run `podman machine init` and `podman machine start`. Open a new terminal afterwards.',
			};
		}
		return {
			title: 'The docker program is not installed on this computer (or it is not on your PATH).',
			hint:
				'Install Docker Desktop on Mac or Windows (https://docs.docker.com/get-docker/), ' +
				'or docker engine on Linux (e.g. `sudo apt install docker.io`, or https://docs.docker.com/engine/install/). ' +
				'Then open a new terminal and check that `docker version` works.',
		};
	},

	'daemon-unreachable'(facts) {
		if (facts.engine === 'podman') {
			return {
				title: 'podman is installed, but it cannot reach its engine (the podman machine or service).',
				hint:
					'On Mac or Windows, start the podman machine: `podman machine start` (run `podman machine init` once first if you never did). ' +
					'On Linux, check the connection with `podman system connection list`, or start the service with `systemctl --user start podman.socket`.',
			};
		}
		const address = /(?:daemon|docker API) at ((?:unix|tcp|npipe|ssh):\/\/[^\s;]{1,255}?)[.;]?(?:\s|$)/i.exec(facts.text)?.[1];
		const usual =
			address === undefined ||
			/\/var\/run\/docker\.sock$|\/\.docker\/(?:run|desktop)\/docker\.sock$|docker_engine$|[\\/]dockerDesktop\w*Engine$/.test(address);
		const elsewhere = usual
			? ''
			: ` docker is looking for its daemon at ${address}: if that is not where it runs, ` +
				'fix or remove DOCKER_HOST (`unset DOCKER_HOST`) or switch back with `docker context use default`.';
		return {
			title: 'docker is installed, but the Docker engine (the daemon that does the work) is not running or cannot be reached.',
			hint: `Start Docker Desktop and wait until it says it is running (on Linux: \`sudo systemctl start docker\`), then try again.${elsewhere}`,
		};
	},

	'daemon-permission'(facts) {
		if (/elevated privileges|pipe/i.test(facts.text)) {
			return {
				title: 'Your Windows user is not allowed to talk to the Docker engine.',
				hint:
					'Start Docker Desktop first. If it is running, add your user to the "docker-users" group (Computer Management → Local Users and Groups), ' +
					'sign out and back in, or run the terminal as administrator.',
			};
		}
		return {
			title: 'Your user is not allowed to talk to the Docker engine (the docker.sock socket).',
			hint:
				'Add yourself to the docker group: `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker` in this terminal). ' +
				'Until then, the command works with `sudo` in front.',
		};
	},

	'login-failed'(facts) {
		const where = registryWords(facts.registry);
		if (/Personal Access Token/i.test(facts.text)) {
			return {
				title: 'Docker Hub wants a personal access token instead of your password.',
				hint: 'Create a token at https://app.docker.com/settings/personal-access-tokens and use it as the password when you log in.',
			};
		}
		const hub = facts.registry === null || isDockerHub(facts.registry);
		const advice = hub
			? 'On Docker Hub, use your Docker ID (the username, not your email) and your password, or a personal access token if you turned on two-step login.'
			: `Ask your instructor for your account on ${where} if you are not sure of it.`;
		return {
			title: `${where === 'the registry' ? 'The registry' : where} did not accept your username or password.`,
			hint: `Check the username and password (they are case-sensitive) and try \`${loginCommand(facts)}\` again. ${advice}`,
		};
	},

	'not-logged-in'(facts) {
		return {
			title: `${facts.registry === null ? 'The registry' : registryWords(facts.registry)} wants you to log in first.`,
			hint: `Run ${code(loginCommand(facts))} first, then try again.`,
		};
	},

	'push-denied'(facts) {
		const reference = parsedReference(facts);
		const hub = facts.registry === null ? reference === null || isDockerHub(reference.domain) : isDockerHub(facts.registry);
		const engine = facts.engine;
		if (hub) {
			const title = 'Docker Hub refused the push: you are not allowed to write to that repository.';
			if (reference && facts.username) {
				const check = checkNamespace(reference, facts.username);
				if (!check.ok) {
					const last = reference.path.split('/').pop() ?? reference.path;
					const tag = reference.tag === null ? '' : `:${reference.tag}`;
					const suggested = `${facts.username.toLowerCase()}/${last}${tag}`;
					return {
						title,
						hint:
							`Your image name must start with your Docker Hub username: ${suggested}. ` +
							`Tag it again with \`${engine} tag ${reference.familiar} ${suggested}\`, then \`${engine} push ${suggested}\`.`,
					};
				}
				return {
					title,
					hint:
						`The name already starts with '${facts.username}', so check that you are logged in as ${facts.username}: ` +
						`run ${code(`${engine} login -u ${facts.username}`)} and push again.`,
				};
			}
			return {
				title,
				hint:
					`Log in with ${code(`${engine} login`)}, ` +
					'and make sure the image name starts with your Docker Hub username (yourname/demo:1.0, not demo:1.0). ' +
					`If it does not, tag it again: ${code(`${engine} tag demo:1.0 yourname/demo:1.0`)}.`,
			};
		}
		return {
			title: `${registryWords(facts.registry)} refused the push: your account may not write to that repository.`,
			hint:
				`Check that you are logged in (${code(loginCommand(facts))}) and push under your own name, ` +
				`e.g. ${facts.registry ?? 'HOST'}/${facts.username?.toLowerCase() ?? 'yourname'}/demo:1.0. Ask your instructor if you should have access.`,
		};
	},

	'image-not-found'(facts) {
		const what = facts.reference ? ` '${facts.reference}'` : '';
		const hub = facts.registry === null || isDockerHub(facts.registry);
		const privateNote = hub
			? ' A private repository on Docker Hub also looks like this until you log in as someone allowed to see it.'
			: ` If the repository is private, log in first (${code(loginCommand(facts))}).`;
		return {
			title: `The registry has no image${what} (the name or the tag does not exist, or it is private).`,
			hint:
				`Check the spelling of the name and of the tag after ':' (without a tag, ${facts.engine} looks for ':latest'). ` +
				`Only images someone has pushed can be pulled.${privateNote}`,
		};
	},

	'local-image-missing'(facts) {
		const name = facts.tagSource ?? facts.reference;
		return {
			title: `There is no image${name ? ` called '${name}'` : ' with that name'} on this computer.`,
			hint:
				`Run ${code(`${facts.engine} images`)} to see the images you have, and use one of those names exactly (name and tag). ` +
				`To push under a new name, first ${code(`${facts.engine} tag`)} an image you have to that name.`,
		};
	},

	'invalid-reference'(facts) {
		const parsed = facts.reference ? parseReference(facts.reference) : null;
		const reason = parsed && !parsed.valid ? ` ${parsed.reason}` : '';
		return {
			title: `${facts.reference ? `'${facts.reference}' is` : 'That is'} not a valid image name.`,
			hint:
				'Image names use only lowercase letters, digits and . _ - with / between parts, ' +
				`like 127.0.0.1:5000/alice/demo:1.0 (the tag goes after one ':').${reason}`,
		};
	},

	'rate-limited'(facts) {
		if (/failed login attempts/i.test(facts.text)) {
			return {
				title: 'The registry blocked logins for a while after too many wrong passwords.',
				hint: 'Wait a few minutes before trying again, and check your username and password carefully first.',
			};
		}
		const hub = facts.registry === null || isDockerHub(facts.registry);
		return {
			title: `${registryWords(facts.registry)} says you made too many requests for now (a rate limit).`,
			hint: hub
				? `Wait a while (Docker Hub counts pulls over several hours) and try again, or log in with ${code(`${facts.engine} login`)}: ` +
					'logged-in users get a higher limit. In a classroom, everyone shares one address, so ask your instructor about the class registry.'
				: 'Wait a minute and try again.',
		};
	},

	'http-vs-https'(facts) {
		const host = plainHttpHost(facts);
		// The other way round: an HTTPS registry asked in plain HTTP. Nothing is to be allowed.
		if (httpsAskedInHttp.test(facts.text) && !httpAskedInHttps.test(facts.text)) {
			return {
				title: `The registry ${host} speaks HTTPS, but it was asked in plain HTTP.`,
				hint:
					`Use it over HTTPS, as ${facts.engine} does unless told otherwise: ` +
					(facts.engine === 'podman'
						? 'leave out --tls-verify=false, and take it out of registries.conf if it is marked insecure there. '
						: 'take it out of "insecure-registries" in docker\'s settings. ') +
					`If its certificate is then not trusted, get the registry's CA certificate from your instructor.`,
			};
		}
		const lines = facts.engine === 'podman' ? allowPlainHttpInPodman(facts, host) : allowPlainHttpInDocker(facts, host);
		// A class registry's instructor can give it a certificate instead; a registry on this computer is the student's own.
		const tls = isLoopbackHost(host) ? [] : [`Or ask your instructor to run it with TLS: ${code('registry-lab class up --tls')}.`];
		return {title: `The registry ${host} speaks plain HTTP, but ${facts.engine} expected HTTPS.`, hint: [...lines, ...tls].join('\n')};
	},

	'tls-untrusted'(facts) {
		const host = facts.registry ?? 'HOST:PORT';
		const certsDir = facts.engine === 'podman' ? '/etc/containers/certs.d' : '/etc/docker/certs.d';
		const expired = /expired|not yet valid/i.test(facts.text);
		const wrongName = /certificate is valid for ([^,\n]{1,200})/i.exec(facts.text)?.[1];
		const title = expired
			? `The HTTPS certificate of ${host} has expired (or your computer's clock is wrong).`
			: wrongName
				? `The HTTPS certificate of ${host} is made out to another name (${wrongName.trim()}).`
				: `${facts.engine} does not trust the HTTPS certificate of ${host}.`;
		const hint = expired
			? "Check your computer's date and time. If they are right, the registry's owner must renew its certificate."
			: wrongName
				? 'Use the address the certificate is made out to, or ask the registry owner for a certificate with this address.'
				: `Get the registry's CA certificate from your instructor and save it as ${certsDir}/${host}/ca.crt ` +
					"(on Mac or Windows: add it to the system's trusted certificates and restart Docker Desktop), then try again.";
		return {title, hint};
	},

	'credential-helper'(facts) {
		const helper = /docker-credential-([\w.-]{1,64})/.exec(facts.text)?.[1];
		const program = helper ? `docker-credential-${helper}` : 'the credential helper';
		const config = facts.engine === 'podman' ? 'your containers auth file' : '~/.docker/config.json (or $DOCKER_CONFIG/config.json)';
		const specific =
			helper === 'desktop'
				? 'If Docker Desktop is installed, start it (or reinstall it). If you removed Docker Desktop,'
				: /pass not initialized/i.test(facts.text)
					? 'Set up pass once with `pass init YOUR-GPG-KEY-ID`, or'
					: 'Install or repair that program, or';
		return {
			title: `${facts.engine} could not use ${program}, the program that keeps your registry passwords.`,
			hint: `${specific} remove the "credsStore" (and "credHelpers") lines from ${config} so logins are kept in the file instead, then log in again.`,
		};
	},

	network(facts) {
		// Docker Hub by the server docker contacted, when its message names it.
		const server = hostInText(facts.text);
		const where =
			facts.registry !== null && isDockerHub(facts.registry) && server && server.toLowerCase() !== dockerHubDomain
				? `Docker Hub (${server})`
				: registryWords(facts.registry);
		const text = facts.text;
		const detail = /connection refused/i.test(text)
			? `Nothing answers at ${where}: check that the registry is running and that the address and port are right.`
			: /no such host|temporary failure in name resolution|server misbehaving/i.test(text)
				? facts.registry !== null && isDockerHub(facts.registry)
					? "Docker Hub's address could not be looked up: check that this computer is connected to the internet " +
						'(or that the school network allows Docker Hub), then try again.'
					: `The name ${where} could not be found: check its spelling and that you are connected to the internet (or the right network).`
				: /proxyconnect/i.test(text)
					? 'The proxy server in your settings did not answer: ' +
						'check the proxy settings (HTTP_PROXY, HTTPS_PROXY, or Docker Desktop → Settings → Resources → Proxies).'
					: 'The connection timed out or broke: check your internet connection, Wi-Fi, VPN or firewall, then try again.';
		return {title: `${facts.engine} could not reach ${where} over the network.`, hint: detail};
	},

	'disk-full'(facts) {
		return {
			title: 'The disk is full: there is no room for the image.',
			hint:
				`Free some space: ${code(`${facts.engine} system prune`)} removes stopped containers and unused images ` +
				'(add -a to remove every image not in use). ' +
				'On Docker Desktop you can also give it more disk in Settings → Resources.',
		};
	},

	'platform-mismatch'(facts) {
		const wanted = /no matching manifest for (\S{1,100})|for architecture (\w{1,100})|wanted (\S{1,100})/i.exec(facts.text);
		const platform = wanted?.[1] ?? wanted?.[2] ?? wanted?.[3];
		return {
			title: `The image is not built for this computer's kind of processor${platform ? ` (${platform})` : ''}.`,
			hint:
				'Use a tag that is built for it, or ask for another platform with --platform, ' +
				`e.g. ${code(`${facts.engine} pull --platform linux/amd64 ...`)} (it then runs under emulation, slower). ` +
				`For your own images, build for both: ${code('docker buildx build --platform linux/amd64,linux/arm64 ...')}.`,
		};
	},

	unknown(facts) {
		if (facts.text.trim().length === 0) {
			return {
				title: `${facts.engine} failed without saying why.`,
				hint: 'Run the command again in your terminal to see its full output, and ask your instructor if it keeps failing.',
			};
		}
		return {
			title: `${facts.engine} reported a problem this lab does not recognise.`,
			hint:
				'Read the last line of the message: it usually names the problem. ' +
				'Check the command for typos and try again, and ask your instructor if it keeps failing.',
		};
	},
};
