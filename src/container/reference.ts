/**
 * Image references the way the docker CLI reads them (the grammar of
 * distribution/reference plus Docker Hub's normalisation), written out by hand
 * so that every rejection can say in plain words what is wrong and how to fix it.
 *
 *   reference := name [":" tag] ["@" digest]
 *   name      := [domain "/"] path
 */

import {dockerHubDomain, isDockerHub} from '../registry/address.js';

export type ImageReference = {
	readonly domain: string; // after normalisation, e.g. 'docker.io', '127.0.0.1:5000'
	readonly path: string; // e.g. 'library/alpine', 'alice/demo'
	readonly tag: string | null; // 'latest' filled in when neither tag nor digest was given
	readonly digest: string | null;
	readonly normalized: string; // 'docker.io/library/alpine:latest' (domain/path[:tag][@digest])
	readonly familiar: string; // how docker shows it: 'alpine:latest', 'alice/demo:1.0', '127.0.0.1:5000/alice/demo:1.0'
};

export type ReferenceRule =
	| 'empty'
	| 'uppercase'
	| 'bad-character'
	| 'separator-position'
	| 'empty-component'
	| 'bad-domain'
	| 'bad-tag'
	| 'tag-too-long'
	| 'bad-digest'
	| 'too-long'
	| 'hex-only'
	| 'whitespace';

export type ReferenceResult =
	| {readonly valid: true; readonly input: string; readonly reference: ImageReference}
	| {readonly valid: false; readonly input: string; readonly rule: ReferenceRule; readonly reason: string};

type Failure = {readonly rule: ReferenceRule; readonly reason: string};

/** The pieces of an input as typed, before any check or normalisation. */
type Parts = {
	readonly domain: string | null; // null when docker falls back to Docker Hub
	readonly path: string;
	readonly pathStart: number; // index of the path in the input
	readonly tag: string | null; // null when there is no ':' tag
	readonly digest: string | null; // null when there is no '@'
	readonly nameAndTag: string; // everything before '@'
};

const officialPrefix = 'library/';
const defaultTag = 'latest';
const maxPathLength = 255;
const maxTagLength = 128;
const separators = "('.', '_', '-')";
const nameCharacters = "lowercase letters, digits, '.', '_', '-' and '/'";
const tagCharacters = "letters, digits, '_', '.' and '-'";
const digestLengths: Readonly<Record<string, number>> = {sha256: 64, sha384: 96, sha512: 128};

export function parseReference(input: string): ReferenceResult {
	const parts = splitParts(input);
	const failure = checkWhole(input) ?? checkParts(input, parts);
	if (failure) return {valid: false, input, rule: failure.rule, reason: failure.reason};
	return {valid: true, input, reference: buildReference(parts)};
}

/** For lesson inputs: a repository name the student chose (no domain, no tag), e.g. 'demo' or 'alice/demo'. */
export function validateRepositoryName(name: string): {ok: true} | {ok: false; rule: ReferenceRule; reason: string} {
	const failure = checkRepositoryName(name);
	return failure ? {ok: false, rule: failure.rule, reason: failure.reason} : {ok: true};
}

/** The path grammar alone, as the registry API takes a repository name: 'alice/demo' (no domain, no tag, no length limit). */
export function isRepositoryPath(path: string): boolean {
	const parts: Parts = {domain: null, path, pathStart: 0, tag: null, digest: null, nameAndTag: path};
	return checkEmptyComponent(path, parts) === null && checkPathCharacters(path, 0, path) === null;
}

/** For lesson inputs: a tag alone, e.g. '1.0'. */
export function validateTag(tag: string): {ok: true} | {ok: false; rule: ReferenceRule; reason: string} {
	const failure = checkTagAlone(tag);
	return failure ? {ok: false, rule: failure.rule, reason: failure.reason} : {ok: true};
}

/**
 * Namespace rule the lab enforces before a push: the first path component must be the username (Docker Hub enforces it;
 * class registries by convention). Returns a plain reason when it is not.
 */
export function checkNamespace(reference: ImageReference, username: string): {ok: true} | {ok: false; reason: string} {
	const user = username.trim().toLowerCase();
	if (user.length === 0) return {ok: false, reason: 'There is no username to compare the image name with yet: log in first.'};
	const components = reference.path.split('/');
	const first = components[0] ?? '';
	if (first === user && components.length > 1) return {ok: true};
	const hub = isDockerHub(reference.domain);
	const shown = quote(reference.familiar);
	if (readAsDomainOnlyForUppercase(reference.domain) && reference.domain.toLowerCase() === user) {
		return {
			ok: false,
			reason:
				`${shown} starts with '${reference.domain}', which has capital letters, ` +
				'so docker reads it as the address of a registry, not as your username. ' +
				`Write your username in lowercase: ${quote(withNamespace(reference, user))}.`,
		};
	}
	if (hub && first === 'library' && components.length === 2) {
		return {
			ok: false,
			reason:
				`${shown} has no username in front, so Docker Hub reads it as 'library/${components[1] ?? ''}', ` +
				'the official images that only Docker can publish. ' +
				`Put your username in front: ${quote(withNamespace(reference, user))}.`,
		};
	}
	if (components.length === 1) {
		return {ok: false, reason: `${shown} has no username in front of the repository name. Put yours in front: ${quote(withNamespace(reference, user))}.`};
	}
	return {
		ok: false,
		reason: `${shown} belongs to '${first}', not to your username '${user}'. Use ${quote(withNamespace(reference, user))} instead.`,
	};
}

// ---------------------------------------------------------------------------
// Splitting

function splitParts(input: string): Parts {
	const at = input.indexOf('@');
	const nameAndTag = at === -1 ? input : input.slice(0, at);
	const digest = at === -1 ? null : input.slice(at + 1);
	// A tag follows the last ':' unless a '/' comes after it (then the ':' belongs to a port).
	const colon = nameAndTag.lastIndexOf(':');
	const hasTag = colon !== -1 && !nameAndTag.slice(colon + 1).includes('/');
	const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
	const tag = hasTag ? nameAndTag.slice(colon + 1) : null;
	const slash = name.indexOf('/');
	const first = slash === -1 ? null : name.slice(0, slash);
	if (first !== null && looksLikeDomain(first)) {
		return {domain: first, path: name.slice(slash + 1), pathStart: slash + 1, tag, digest, nameAndTag};
	}
	return {domain: null, path: name, pathStart: 0, tag, digest, nameAndTag};
}

/** docker's rule: the first part is a registry host only if it has '.' or ':', is 'localhost', or has capital letters. */
function looksLikeDomain(first: string): boolean {
	return first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
}

/** A domain that docker took as a registry host only because it has capital letters ('Alice' in 'Alice/demo'). */
export function readAsDomainOnlyForUppercase(domain: string): boolean {
	return !domain.includes('.') && !domain.includes(':') && domain !== 'localhost' && domain.toLowerCase() !== domain;
}

function buildReference(parts: Parts): ImageReference {
	const typed = parts.domain ?? dockerHubDomain;
	// docker renames only 'index.docker.io'; 'registry-1.docker.io' stays a registry of its own.
	const domain = isDockerHub(typed) ? dockerHubDomain : typed;
	const path = domain === dockerHubDomain && !parts.path.includes('/') ? officialPrefix + parts.path : parts.path;
	const tag = parts.tag ?? (parts.digest === null ? defaultTag : null);
	const suffix = (tag === null ? '' : `:${tag}`) + (parts.digest === null ? '' : `@${parts.digest}`);
	return {domain, path, tag, digest: parts.digest, normalized: `${domain}/${path}${suffix}`, familiar: familiarName(domain, path) + suffix};
}

/** How docker prints a name: Docker Hub's domain and the 'library/' of official images are left out. */
function familiarName(domain: string, path: string): string {
	if (domain !== dockerHubDomain) return `${domain}/${path}`;
	const official = path.startsWith(officialPrefix) ? path.slice(officialPrefix.length) : null;
	return official !== null && !official.includes('/') ? official : path;
}

function withNamespace(reference: ImageReference, user: string): string {
	const components = reference.path.split('/');
	const rest = components.length > 1 ? components.slice(1) : components;
	const hub = isDockerHub(reference.domain);
	const domain = readAsDomainOnlyForUppercase(reference.domain) || hub ? '' : `${reference.domain}/`;
	const path = readAsDomainOnlyForUppercase(reference.domain) && reference.domain.toLowerCase() === user ? components : rest;
	const tag = reference.tag === null ? '' : `:${reference.tag}`;
	const digest = reference.digest === null ? '' : `@${reference.digest}`;
	return `${domain}${user}/${path.join('/')}${tag}${digest}`;
}

// ---------------------------------------------------------------------------
// Checks on the whole input

function checkWhole(input: string): Failure | null {
	if (input.length === 0) return {rule: 'empty', reason: "The image name is empty. Type a name such as 'alpine' or 'alice/demo:1.0'."};
	const blank = checkBlank(input, 'image names', candidate => parseReference(candidate).valid);
	if (blank) return blank;
	if (/^[a-f0-9]{64}$/.test(input)) {
		return {
			rule: 'hex-only',
			reason:
				`${quote(input)} is 64 hexadecimal digits, which docker reads as an image ID, not a name ("cannot specify 64-byte hexadecimal strings"). ` +
				'Choose a name with other letters in it.',
		};
	}
	const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(input);
	if (scheme) {
		const fixed = input.slice(scheme[0].length);
		return {
			rule: 'bad-domain',
			reason:
				`Leave out '${scheme[0]}': an image name starts with the registry host, not a web address.` +
				`${suggestion(fixed, candidate => parseReference(candidate).valid)}`,
		};
	}
	return null;
}

function checkBlank(input: string, noun: string, isValid: (candidate: string) => boolean): Failure | null {
	const match = /\s/.exec(input);
	if (!match) return null;
	const what = describeBlank(match[0]);
	const shown = quote(input);
	if (input.trim().length === 0) return {rule: 'whitespace', reason: `${shown} is only blank characters; type a name.`};
	if (match.index === 0) return {rule: 'whitespace', reason: `${shown} starts with ${what}; remove it.${suggestion(input.trim(), isValid)}`};
	if (input.trim() === input.slice(0, match.index)) {
		return {rule: 'whitespace', reason: `${shown} ends with ${what}; remove it.${suggestion(input.trim(), isValid)}`};
	}
	return {
		rule: 'whitespace',
		reason: `${shown} contains ${what}; ${noun} cannot contain spaces.${suggestion(input.trim().replace(/\s+/g, '-'), isValid)}`,
	};
}

function describeBlank(character: string): string {
	if (character === ' ') return 'a space';
	if (character === '\t') return 'a tab';
	if (character === '\n' || character === '\r') return 'a line break';
	return 'an invisible blank character';
}

// ---------------------------------------------------------------------------
// Checks on the parts

function checkParts(input: string, parts: Parts): Failure | null {
	if (parts.domain === null && parts.path.length === 0) {
		const separator = input.startsWith('@') ? "'@'" : "':'";
		return {
			rule: 'empty',
			reason:
				`${quote(input)} has no image name before the ${separator}. Put the name first.` +
				`${suggestion(`myapp${input}`, candidate => parseReference(candidate).valid)}`,
		};
	}
	if (parts.domain === null && parts.path.startsWith('[')) {
		return {
			rule: 'bad-domain',
			reason:
				`${quote(parts.nameAndTag)} looks like a registry address, but there is no repository name after it. ` +
				`Add '/' and a name, e.g. ${quote(`${parts.nameAndTag}/myapp`)}.`,
		};
	}
	return (
		(parts.domain === null ? null : checkDomain(parts.domain, parts)) ??
		checkPath(input, parts) ??
		checkLength(parts) ??
		(parts.tag === null ? null : checkTag(parts.tag, parts.nameAndTag)) ??
		(parts.digest === null ? null : checkDigest(parts.digest, input))
	);
}

function checkDomain(domain: string, parts: Parts): Failure | null {
	const failure = domain.startsWith('[') ? checkBracketedHost(domain) : checkNamedHost(domain);
	if (!failure) return null;
	if (domain.includes('.') && !domain.includes(':') && !domain.startsWith('[')) {
		// 'dock_.er/docker': not obviously a host to a student, so say why docker reads it as one.
		return {rule: failure.rule, reason: `${quote(domain)} contains '.', so docker reads it as a registry address. ${failure.reason}`};
	}
	if (!readAsDomainOnlyForUppercase(domain)) return failure;
	// 'My_User/app': the capital letters made docker read the first part as a registry host.
	const lowered = `${domain.toLowerCase()}/${parts.path}`;
	return {
		rule: failure.rule,
		reason:
			`${quote(domain)} has capital letters, so docker reads it as a registry address. ${failure.reason} ` +
			`If it is a user name, write it in lowercase, e.g. ${quote(lowered)}.`,
	};
}

function checkBracketedHost(domain: string): Failure | null {
	const close = domain.indexOf(']');
	if (close === -1) return {rule: 'bad-domain', reason: `The registry address ${quote(domain)} opens '[' but never closes it with ']'.`};
	const inside = domain.slice(1, close);
	if (inside.length === 0) {
		return {rule: 'bad-domain', reason: `The registry address ${quote(domain)} has nothing between '[' and ']'; put an IPv6 address there.`};
	}
	const bad = /[^a-fA-F0-9:]/.exec(inside);
	if (bad) {
		return {
			rule: 'bad-domain',
			reason: `The IPv6 registry address ${quote(domain)} contains '${bad[0]}'; between '[' and ']' docker accepts only hex digits and ':'.`,
		};
	}
	return checkPort(domain, domain.slice(close + 1));
}

function checkPort(domain: string, rest: string): Failure | null {
	if (rest.length === 0) return null;
	if (!rest.startsWith(':')) {
		return {rule: 'bad-domain', reason: `The registry address ${quote(domain)} has ${quote(rest)} after ']'; only ':' and a port number may follow.`};
	}
	const port = rest.slice(1);
	if (port.length === 0) {
		return {
			rule: 'bad-domain',
			reason: `The registry address ${quote(domain)} ends with ':' but has no port number after it. Add the port (e.g. ':5000') or remove the ':'.`,
		};
	}
	if (!/^[0-9]+$/.test(port)) {
		return {rule: 'bad-domain', reason: `The port after ':' in ${quote(domain)} must be a number, like 'localhost:5000'; ${quote(port)} is not.`};
	}
	return null;
}

function checkNamedHost(domain: string): Failure | null {
	const colons = domain.split(':').length - 1;
	if (colons > 1) {
		return {
			rule: 'bad-domain',
			reason: /^[a-fA-F0-9:]+$/.test(domain)
				? `${quote(domain)} looks like an IPv6 address; put it in square brackets, e.g. ${quote(`[${domain}]/myapp`)}.`
				: `The registry address ${quote(domain)} has more than one ':'; only one, before the port number, is allowed.`,
		};
	}
	const colon = domain.indexOf(':');
	const host = colon === -1 ? domain : domain.slice(0, colon);
	if (host.length === 0) return {rule: 'bad-domain', reason: `${quote(domain)} has a port but no host name before the ':'. Write it like 'localhost:5000'.`};
	const bad = /[^a-zA-Z0-9.-]/.exec(host);
	if (bad) {
		return {rule: 'bad-domain', reason: `A registry host name can only contain letters, digits, '-' and '.': ${quote(host)} contains '${bad[0]}'.`};
	}
	for (const label of host.split('.')) {
		if (label.length === 0) {
			return {rule: 'bad-domain', reason: `The registry host ${quote(host)} has an empty part: a '.' at the start or end, or two '.' in a row.`};
		}
		if (label.startsWith('-') || label.endsWith('-')) {
			return {rule: 'bad-domain', reason: `A part of a registry host name cannot start or end with '-': ${quote(label)} in ${quote(host)}.`};
		}
	}
	return colon === -1 ? null : checkPort(domain, domain.slice(colon));
}

/** The path: components joined by '/', each lowercase letters and digits with single separators between them. */
function checkPath(input: string, parts: Parts): Failure | null {
	const {path, pathStart} = parts;
	const colon = path.indexOf(':');
	if (colon !== -1) {
		return parts.tag === null
			? {
					rule: 'bad-character',
					reason:
						`${quote(input)} has ':' at character ${pathStart + colon + 1}. ` +
						"A ':' can only come after a registry host (before its port, as in 'localhost:5000/app') or before the tag at the end.",
				}
			: {
					rule: 'bad-tag',
					reason:
						`${quote(parts.nameAndTag)} has more than one ':'. A name can have only one tag, after a single ':' at the end` +
						`${tagChoices(input.slice(0, pathStart + colon), path.slice(colon + 1).split(':')[0] ?? '', parts.tag)}.`,
				};
	}
	const empty = checkEmptyComponent(path, parts);
	if (empty) return empty;
	if (/[A-Z]/.test(path)) {
		const domain = parts.domain === null ? '' : `${readAsDomainOnlyForUppercase(parts.domain) ? parts.domain.toLowerCase() : parts.domain}/`;
		const fixed = domain + path.toLowerCase() + input.slice(pathStart + path.length);
		return {
			rule: 'uppercase',
			reason:
				`Repository names must be lowercase: ${quote(path)} has uppercase letters.` +
				`${suggestion(fixed, candidate => parseReference(candidate).valid)}`,
		};
	}
	return checkPathCharacters(path, pathStart, input);
}

function tagChoices(name: string, first: string, last: string): string {
	const choices = [...new Set([first, last])].filter(tag => checkTagText(tag) === null && tag.length > 0).map(tag => quote(`${name}:${tag}`));
	return choices.length === 0 ? '' : `, e.g. ${choices.join(' or ')}`;
}

function checkEmptyComponent(path: string, parts: Parts): Failure | null {
	if (path.length === 0 && parts.domain !== null) {
		return {
			rule: 'empty-component',
			reason:
				`${quote(parts.nameAndTag)} has no repository name after the registry ${quote(parts.domain)}. ` +
				`Add one, e.g. ${quote(`${parts.domain}/myapp`)}.`,
		};
	}
	const components = path.split('/');
	const index = components.findIndex(component => component.length === 0);
	if (index === -1) return null;
	if (index === 0) return {rule: 'empty-component', reason: `${quote(path)} starts with '/'; remove it.`};
	if (index === components.length - 1) return {rule: 'empty-component', reason: `${quote(path)} ends with '/'; remove the '/' or add a name after it.`};
	return {rule: 'empty-component', reason: `${quote(path)} has an empty part between two '/'.`};
}

function checkPathCharacters(path: string, pathStart: number, input: string): Failure | null {
	const bad = /[^a-z0-9._/-]/.exec(path);
	if (bad) {
		return {
			rule: 'bad-character',
			reason:
				`${quote(input)} contains ${describeCharacter(bad[0])} at character ${pathStart + bad.index + 1}, ` +
				`which is not allowed in a repository name. Use ${nameCharacters}.`,
		};
	}
	for (const component of path.split('/')) {
		const failure = checkSeparators(component);
		if (failure) return failure;
	}
	return null;
}

/** Inside one part: start and end with a letter or digit; between them one '.', one or two '_', or any number of '-'. */
function checkSeparators(component: string): Failure | null {
	if (/^[._-]|[._-]$/.test(component)) {
		return {rule: 'separator-position', reason: `A separator ${separators} cannot start or end a name part: ${quote(component)}.`};
	}
	for (const run of component.match(/[._-]+/g) ?? []) {
		if (run === '.' || run === '_' || run === '__' || /^-+$/.test(run)) continue;
		return {
			rule: 'separator-position',
			reason: `${quote(component)} has ${quote(run)} in a row. Between letters and digits use one '.', one or two '_', or any number of '-'.`,
		};
	}
	return null;
}

function checkLength(parts: Parts): Failure | null {
	const reference = buildReference(parts);
	if (reference.path.length <= maxPathLength) return null;
	const added = reference.path !== parts.path;
	return {
		rule: 'too-long',
		reason: added
			? `The name ${quote(parts.path)} becomes ${quote(reference.path)} on Docker Hub, which is ${reference.path.length} characters; ` +
				`at most ${maxPathLength} are allowed.`
			: `The name ${quote(parts.path)} is ${reference.path.length} characters; ` +
				`at most ${maxPathLength} are allowed (the registry host and the tag do not count).`,
	};
}

function checkTag(tag: string, nameAndTag: string): Failure | null {
	if (tag.length === 0) {
		const name = nameAndTag.slice(0, -1);
		return {
			rule: 'bad-tag',
			reason: `${quote(nameAndTag)} ends with ':' but has no tag after it. Add a tag (e.g. ${quote(`${name}:1.0`)}) or leave out the ':'.`,
		};
	}
	return checkTagText(tag);
}

function checkTagText(tag: string): Failure | null {
	if (tag.startsWith('.') || tag.startsWith('-')) {
		return {rule: 'bad-tag', reason: `A tag cannot start with '.' or '-': ${quote(tag)}. Start it with a letter, a digit or '_'.`};
	}
	const bad = /[^A-Za-z0-9_.-]/.exec(tag);
	if (bad) {
		return {rule: 'bad-tag', reason: `The tag ${quote(tag)} contains ${describeCharacter(bad[0])}, which is not allowed; a tag uses ${tagCharacters}.`};
	}
	if (tag.length > maxTagLength) {
		return {rule: 'tag-too-long', reason: `The tag ${quote(tag)} is ${tag.length} characters; a tag can be at most ${maxTagLength}.`};
	}
	return null;
}

/** A digest docker accepts: sha256, sha384 or sha512, ':' and exactly that many lowercase hex digits. */
function checkDigest(digest: string, input: string): Failure | null {
	const fail = (why: string, algorithm = 'sha256'): Failure => ({
		rule: 'bad-digest',
		reason: `The digest ${quote(digest)} is not ${algorithm} followed by ${digestLengths[algorithm] ?? 64} lowercase hex digits: ${why}`,
	});
	if (digest.length === 0) {
		return {
			rule: 'bad-digest',
			reason: `${quote(input)} ends with '@' but has no digest after it. A digest looks like 'sha256:' followed by 64 lowercase hex digits.`,
		};
	}
	if (digest.includes('@')) return fail("it contains another '@'; a name can have only one digest.");
	const colon = digest.indexOf(':');
	if (colon === -1) return fail(`there is no ':' between the algorithm and the hex digits.`);
	const algorithm = digest.slice(0, colon);
	const hex = digest.slice(colon + 1);
	const expected = digestLengths[algorithm];
	if (expected === undefined) {
		const lower = algorithm.toLowerCase();
		return digestLengths[lower] === undefined
			? fail(`docker only accepts the algorithms sha256, sha384 and sha512, not ${quote(algorithm)}.`)
			: fail(`the algorithm must be written in lowercase, ${quote(lower)}, not ${quote(algorithm)}.`, lower);
	}
	if (hex.length === 0) return fail(`there are no hex digits after '${algorithm}:'.`, algorithm);
	const bad = /[^a-f0-9]/.exec(hex);
	if (bad) {
		return /[A-F]/.test(bad[0])
			? fail(`the hex digits must be lowercase; ${quote(bad[0])} should be ${quote(bad[0].toLowerCase())}.`, algorithm)
			: fail(`${describeCharacter(bad[0])} is not a hex digit (0-9, a-f).`, algorithm);
	}
	if (hex.length !== expected) return fail(`it has ${hex.length} hex digits after '${algorithm}:'.`, algorithm);
	return null;
}

// ---------------------------------------------------------------------------
// Lesson inputs

function checkRepositoryName(name: string): Failure | null {
	if (name.length === 0) return {rule: 'empty', reason: "The repository name is empty. Type a name such as 'demo'."};
	const blank = checkBlank(name, 'repository names', candidate => checkRepositoryName(candidate) === null);
	if (blank) return blank;
	const tagAt = name.search(/[:@]/);
	if (tagAt !== -1) {
		const base = name.slice(0, tagAt);
		const what = name[tagAt] === ':' ? "':' and a tag" : "'@' and a digest";
		return {
			rule: 'bad-character',
			reason: `Type only the repository name here, without ${what}.${suggestion(base, candidate => checkRepositoryName(candidate) === null)}`,
		};
	}
	if (/^[a-f0-9]{64}$/.test(name)) {
		return {
			rule: 'hex-only',
			reason: `${quote(name)} is 64 hexadecimal digits, which docker reads as an image ID, not a name. Choose a name with other letters in it.`,
		};
	}
	const parts: Parts = {domain: null, path: name, pathStart: 0, tag: null, digest: null, nameAndTag: name};
	const failure = checkEmptyComponent(name, parts);
	if (failure) return failure;
	if (/[A-Z]/.test(name)) {
		return {
			rule: 'uppercase',
			reason:
				`Repository names must be lowercase: ${quote(name)} has uppercase letters.` +
				`${suggestion(name.toLowerCase(), candidate => checkRepositoryName(candidate) === null)}`,
		};
	}
	const characters = checkPathCharacters(name, 0, name);
	if (characters) return characters;
	if (name.length > maxPathLength) {
		return {rule: 'too-long', reason: `The name ${quote(name)} is ${name.length} characters; at most ${maxPathLength} are allowed.`};
	}
	return null;
}

function checkTagAlone(tag: string): Failure | null {
	if (tag.length === 0) return {rule: 'empty', reason: "The tag is empty. Type a tag such as '1.0' or 'latest'."};
	const blank = checkBlank(tag, 'tags', candidate => checkTagAlone(candidate) === null);
	if (blank) return blank;
	if (tag.startsWith(':')) {
		return {rule: 'bad-tag', reason: `Type the tag without the ':' in front.${suggestion(tag.slice(1), candidate => checkTagAlone(candidate) === null)}`};
	}
	return checkTagText(tag);
}

// ---------------------------------------------------------------------------
// Wording

/** Quote a piece of the input; very long pieces are shortened so the message stays readable. */
function quote(text: string): string {
	return text.length > 60 ? `'${text.slice(0, 40)}...'` : `'${text}'`;
}

function describeCharacter(character: string): string {
	const code = character.codePointAt(0) ?? 0;
	if (code < 0x20 || code === 0x7f) return `an invisible control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
	return `'${character}'`;
}

/** " Try 'x'." when the fixed form is valid, else nothing. */
function suggestion(candidate: string, isValid: (candidate: string) => boolean): string {
	return candidate.length > 0 && isValid(candidate) ? ` Try ${quote(candidate)}.` : '';
}
