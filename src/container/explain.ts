/**
 * `registry-lab explain REF [--json]`: the parts of an image name the way docker
 * reads it, as JSON or as a plain-text explanation for a student.
 */
import {dockerHubApiHost, isDockerHub, registryDescription} from '../registry/address.js';
import {isRepositoryPath, parseReference, readAsDomainOnlyForUppercase, validateTag, type ImageReference} from './reference.js';

export type ExplainJson = {
	input: string;
	valid: boolean;
	domain: string | null;
	path: string | null;
	tag: string | null;
	digest: string | null;
	normalized: string | null;
	reason?: string;
	/** How docker reads a name it accepts in a way the student may not expect. */
	note?: string;
};

/**
 * A name whose first part looks like a registry (it has a '.' or ':') but is no valid host name, as in
 * `ex_ample.com/repo`: docker's parser then takes the whole name as a repository path with no registry
 * at all, so it accepts the name, and a push or pull fails with "no Host in request URL".
 */
function readWithoutHost(input: string): {path: string; tag: string | null; digest: string | null; note: string} | undefined {
	const at = input.indexOf('@');
	const name = at === -1 ? input : input.slice(0, at);
	const digest = at === -1 ? null : input.slice(at + 1);
	const colon = name.lastIndexOf(':');
	const hasTag = colon > name.lastIndexOf('/');
	const path = hasTag ? name.slice(0, colon) : name;
	const tag = hasTag ? name.slice(colon + 1) : null;
	if (!path.includes('/') || path.length > 255 || !isRepositoryPath(path) || (tag !== null && !validateTag(tag).ok)) return undefined;
	const first = path.slice(0, path.indexOf('/'));
	return {
		path,
		tag: tag ?? (digest ? null : 'latest'),
		digest,
		note:
			`docker accepts this name but reads it with no registry at all: '${first}' is not a valid host name, so the whole name is taken ` +
			`as a repository path, and a push or pull fails ("no Host in request URL"). If '${first}' is a registry, check its spelling; ` +
			'host names have only letters, digits, - and .',
	};
}

export function explainJson(input: string): ExplainJson {
	const result = parseReference(input);
	const noHost = result.valid || result.rule !== 'bad-domain' ? undefined : readWithoutHost(input);
	if (noHost) {
		const {path, tag, digest, note} = noHost;
		const normalized = `${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
		return {input, valid: true, domain: null, path, tag, digest, normalized, note};
	}
	if (!result.valid) return {input, valid: false, domain: null, path: null, tag: null, digest: null, normalized: null, reason: result.reason};
	const {domain, path, tag, digest, normalized} = result.reference;
	return {input, valid: true, domain, path, tag, digest, normalized};
}

export function explainText(input: string): string {
	const result = parseReference(input);
	const noHost = result.valid || result.rule !== 'bad-domain' ? undefined : readWithoutHost(input);
	if (noHost) {
		return [
			`'${input}' is accepted by docker, but not the way it looks.`,
			'',
			row('Registry', 'none (docker reads no registry host in this name)'),
			row('Repository', noHost.path),
			...(noHost.tag ? [row('Tag', noHost.tag)] : []),
			...(noHost.digest ? [row('Digest', noHost.digest)] : []),
			'',
			`Note: ${noHost.note}`,
		].join('\n');
	}
	if (!result.valid) return [`'${input}' is not a valid image name.`, `Reason: ${result.reason}`].join('\n');
	const reference = result.reference;
	const lines = [
		`'${input}' is a valid image name.`,
		'',
		...registryLines(input, reference),
		...repositoryLines(input, reference),
		...namespaceLines(reference),
		...tagLines(input, reference),
		...digestLines(reference),
		row('Full name', reference.normalized),
		row('docker shows', reference.familiar),
	];
	const notes = notesFor(input, reference);
	return [...lines, ...(notes.length > 0 ? ['', ...notes.map(note => `Note: ${note}`)] : [])].join('\n');
}

const labelWidth = 14;

function row(label: string, value: string): string {
	return `${`${label}:`.padEnd(labelWidth)}${value}`;
}

function more(text: string): string {
	return `${' '.repeat(labelWidth)}${text}`;
}

/** The input without its digest: the part where the name and the tag are. */
function nameAndTag(input: string): string {
	const at = input.indexOf('@');
	return at === -1 ? input : input.slice(0, at);
}

/** Did the input name Docker Hub itself ('docker.io/...' or 'index.docker.io/...')? */
function typedHubDomain(input: string): boolean {
	const slash = input.indexOf('/');
	return slash !== -1 && isDockerHub(input.slice(0, slash));
}

function addedLibrary(input: string, reference: ImageReference): boolean {
	if (!isDockerHub(reference.domain)) return false;
	const slashes = nameAndTag(input).split('/').length - 1;
	return slashes - (typedHubDomain(input) ? 1 : 0) === 0;
}

function addedLatest(input: string, reference: ImageReference): boolean {
	return reference.digest === null && reference.tag === 'latest' && !input.endsWith(':latest');
}

function registryLines(input: string, reference: ImageReference): string[] {
	const lines = [row('Registry', `${reference.domain} (${registryDescription(reference.domain)})`)];
	if (isDockerHub(reference.domain) && !typedHubDomain(input)) {
		lines.push(more('The name does not start with a registry address, so docker uses Docker Hub.'));
	}
	return lines;
}

function repositoryLines(input: string, reference: ImageReference): string[] {
	const lines = [row('Repository', reference.path)];
	if (addedLibrary(input, reference)) lines.push(more("docker added 'library/', Docker Hub's namespace for official images."));
	return lines;
}

function namespaceLines(reference: ImageReference): string[] {
	const components = reference.path.split('/');
	const first = components[0] ?? '';
	if (components.length < 2) return [];
	if (!isDockerHub(reference.domain)) return [row('Namespace', `${first} (usually the user or team that owns the repository)`)];
	if (first === 'library') return [row('Namespace', "library (Docker Hub's official images; only Docker publishes there)")];
	return [row('Namespace', `${first} (the Docker Hub user or organisation that owns the repository)`)];
}

function tagLines(input: string, reference: ImageReference): string[] {
	if (reference.tag === null) return [row('Tag', 'none (the digest picks the image)')];
	const lines = [row('Tag', reference.tag)];
	if (addedLatest(input, reference)) lines.push(more("No tag was given, so docker uses 'latest'."));
	return lines;
}

function digestLines(reference: ImageReference): string[] {
	if (reference.digest === null) return [row('Digest', 'none')];
	const lines = [row('Digest', reference.digest), more('A digest pins one exact image: docker checks that what it downloads matches it.')];
	if (reference.tag !== null) lines.push(more('With both a tag and a digest, docker uses the digest; the tag is only a label.'));
	return lines;
}

function notesFor(input: string, reference: ImageReference): string[] {
	const notes: string[] = [];
	const typed = nameAndTag(input);
	if (readAsDomainOnlyForUppercase(reference.domain)) {
		const lowered = reference.domain.toLowerCase() + input.slice(reference.domain.length);
		notes.push(
			`'${reference.domain}' has capital letters, so docker reads it as the address of a registry (a server), not as a user name. ` +
				`If you meant the user '${reference.domain.toLowerCase()}', write '${lowered}'.`,
		);
	}
	const name = reference.path.replace(/^library\//, '');
	if (
		isDockerHub(reference.domain) &&
		!typed.includes('/') &&
		reference.tag !== null &&
		/^[0-9]+$/.test(reference.tag) &&
		(name.includes('.') || name === 'localhost')
	) {
		notes.push(
			`'${typed}' has no '/', so docker reads it as the Docker Hub image '${name}' with the tag '${reference.tag}', not as a registry address. ` +
				`To use the registry ${typed}, add '/' and a repository name: '${typed}/myapp'.`,
		);
	}
	if (input.startsWith('index.docker.io/')) notes.push("'index.docker.io' is an old name of Docker Hub; docker writes it as docker.io.");
	if (reference.domain === dockerHubApiHost) {
		notes.push(
			'registry-1.docker.io is the server behind Docker Hub, but docker does not rename it to docker.io: ' +
				"it adds no 'library/', and a docker login to Docker Hub does not cover it.",
		);
	}
	return notes;
}
