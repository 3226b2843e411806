import {describe, expect, it} from 'vitest';
import {checkNamespace, parseReference, validateRepositoryName, validateTag, type ImageReference, type ReferenceRule} from '../../src/container/reference.js';
import {isDockerHub} from '../../src/registry/address.js';
import vectors from '../fixtures/reference.json' with {type: 'json'};

type Vector = {
	readonly input: string;
	readonly valid: boolean;
	readonly domain?: string;
	readonly path?: string;
	readonly tag?: string | null;
	readonly digest?: string | null;
	readonly normalized?: string;
};

const cases: readonly Vector[] = vectors.cases;
const hex64 = 'a'.repeat(64);

function referenceOf(input: string): ImageReference {
	const result = parseReference(input);
	if (!result.valid) throw new Error(`expected '${input}' to be valid, got: ${result.reason}`);
	return result.reference;
}

function rejection(input: string): {rule: ReferenceRule; reason: string} {
	const result = parseReference(input);
	if (result.valid) throw new Error(`expected '${input}' to be refused, got ${result.reference.normalized}`);
	return {rule: result.rule, reason: result.reason};
}

describe('the shared vectors (what the docker CLI says)', () => {
	it('has vectors to check', () => {
		expect(cases.length).toBeGreaterThan(100);
	});

	it.each(cases.filter(vector => vector.valid))('accepts $input', vector => {
		const result = parseReference(vector.input);
		expect(result).toMatchObject({valid: true, input: vector.input});
		const reference = referenceOf(vector.input);
		expect({domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, normalized: reference.normalized}).toEqual({
			domain: vector.domain,
			path: vector.path,
			tag: vector.tag,
			digest: vector.digest,
			normalized: vector.normalized,
		});
	});

	it.each(cases.filter(vector => !vector.valid))('refuses $input', vector => {
		const result = parseReference(vector.input);
		expect(result.valid).toBe(false);
		if (!result.valid) {
			expect(result.input).toBe(vector.input);
			expect(result.reason.length).toBeGreaterThan(20);
		}
	});
});

describe('familiar names (how docker prints them)', () => {
	it.each([
		['alpine', 'alpine:latest'],
		['docker.io/library/alpine:3.19', 'alpine:3.19'],
		['index.docker.io/library/alpine', 'alpine:latest'],
		['alice/demo:1.0', 'alice/demo:1.0'],
		['library/foo/bar', 'library/foo/bar:latest'],
		['127.0.0.1:5000/alice/demo:1.0', '127.0.0.1:5000/alice/demo:1.0'],
		['localhost/library/debian', 'localhost/library/debian:latest'],
		[`alpine@sha256:${hex64}`, `alpine@sha256:${hex64}`],
		[`alpine:3.19@sha256:${hex64}`, `alpine:3.19@sha256:${hex64}`],
		['registry-1.docker.io/library/ubuntu', 'registry-1.docker.io/library/ubuntu:latest'],
	])('%s is shown as %s', (input, familiar) => {
		expect(referenceOf(input).familiar).toBe(familiar);
	});

	it('fills in latest only when there is neither a tag nor a digest', () => {
		expect(referenceOf('alpine').tag).toBe('latest');
		expect(referenceOf(`alpine@sha256:${hex64}`).tag).toBeNull();
		expect(referenceOf('alpine:edge').tag).toBe('edge');
	});

	it('accepts sha384 and sha512 digests, which docker also accepts', () => {
		expect(referenceOf(`alpine@sha512:${'b'.repeat(128)}`).digest).toBe(`sha512:${'b'.repeat(128)}`);
		expect(referenceOf(`alpine@sha384:${'c'.repeat(96)}`).digest).toBe(`sha384:${'c'.repeat(96)}`);
		expect(rejection(`alpine@sha512:${hex64}`).reason).toContain('sha512 followed by 128 lowercase hex digits');
	});

	it('takes a capitalised first part as a registry host, like docker does', () => {
		expect(referenceOf('Alice/demo')).toMatchObject({domain: 'Alice', path: 'demo', normalized: 'Alice/demo:latest'});
	});
});

describe('each rule, with a reason that names the problem', () => {
	it.each<[string, ReferenceRule, readonly string[]]>([
		['', 'empty', ['empty']],
		[':tag', 'empty', ['no image name', "'myapp:tag'"]],
		['my app', 'whitespace', ["'my app' contains a space", 'cannot contain spaces', "'my-app'"]],
		['alpine ', 'whitespace', ['ends with a space', "Try 'alpine'"]],
		[' alpine', 'whitespace', ['starts with a space']],
		['my\tapp', 'whitespace', ['a tab']],
		['MyApp', 'uppercase', ['must be lowercase', "'MyApp'", "Try 'myapp'"]],
		['myuser/MyApp:1.0', 'uppercase', ["'myuser/MyApp'", "Try 'myuser/myapp:1.0'"]],
		['test:5000/Uppercase/lowercase:tag', 'uppercase', ["'Uppercase/lowercase'", "'test:5000/uppercase/lowercase:tag'"]],
		['aa/asdf$$^/aa', 'bad-character', ["'$'", 'character 8']],
		['my+app', 'bad-character', ["'+'", 'character 3']],
		['a/b:c/d', 'bad-character', ["':'", 'character 4']],
		['my\u0007app', 'bad-character', ['control character (U+0007)']],
		['-demo', 'separator-position', ["cannot start or end a name part: '-demo'"]],
		['alice/demo_', 'separator-position', ["'demo_'"]],
		['foo___bar/baz', 'separator-position', ["'___'"]],
		['alice/a.-b', 'separator-position', ["'.-'"]],
		['a//b', 'empty-component', ["'a//b' has an empty part between two '/'"]],
		['repo/', 'empty-component', ["'repo/' ends with '/'"]],
		['/repo', 'empty-component', ["starts with '/'"]],
		['localhost:5000/', 'empty-component', ["'localhost:5000'", "'localhost:5000/myapp'"]],
		['2001:db8::1/repo', 'bad-domain', ['square brackets', "'[2001:db8::1]/myapp'"]],
		['[fe80::1%eth0]:5000/repo', 'bad-domain', ["'%'"]],
		['[2001:db8::1]:/repo', 'bad-domain', ['no port number']],
		['[fc00::1]:5000', 'bad-domain', ['no repository name', "'[fc00::1]:5000/myapp'"]],
		['a:b/c', 'bad-domain', ["'b' is not"]],
		['-example.com/repo', 'bad-domain', ["'-example'"]],
		['my_host.com/app', 'bad-domain', ["'my_host.com'", "'_'"]],
		['My_User/app', 'bad-domain', ['capital letters', "'my_user/app'"]],
		['https://github.com/docker/docker', 'bad-domain', ["'https://'", "'github.com/docker/docker'"]],
		['my-app:', 'bad-tag', ["ends with ':'", "'my-app:1.0'"]],
		['my-app:-dash', 'bad-tag', ["A tag cannot start with '.' or '-'", "'-dash'"]],
		['ubuntu:.hidden', 'bad-tag', ["'.hidden'"]],
		['ubuntu:v1+2', 'bad-tag', ["'+'"]],
		['ubuntu:latest:extra', 'bad-tag', ["more than one ':'", "'ubuntu:latest'", "'ubuntu:extra'"]],
		[`ubuntu:x${'y'.repeat(128)}`, 'tag-too-long', ['is 129 characters', 'at most 128']],
		['alpine@sha256:abc', 'bad-digest', ["'sha256:abc'", 'not sha256 followed by 64 lowercase hex digits', '3 hex digits']],
		[`alpine@SHA256:${hex64}`, 'bad-digest', ["'sha256', not 'SHA256'"]],
		[`alpine@sha256:${'A'.repeat(64)}`, 'bad-digest', ['must be lowercase']],
		['alpine@sha256', 'bad-digest', ["no ':'"]],
		['alpine@', 'bad-digest', ["ends with '@'"]],
		[`alpine@md5:${hex64}`, 'bad-digest', ["not 'md5'"]],
		[`alpine@sha256:${hex64}@sha256:${hex64}`, 'bad-digest', ["another '@'"]],
		[`a/${'b'.repeat(298)}`, 'too-long', ['is 300 characters', 'at most 255']],
		['a'.repeat(248), 'too-long', ["becomes 'library/", '256 characters']],
		['0123456789abcdef'.repeat(4), 'hex-only', ['64 hexadecimal digits', 'image ID']],
	])('%j breaks %s', (input, rule, phrases) => {
		const refused = rejection(input);
		expect(refused.rule).toBe(rule);
		for (const phrase of phrases) expect(refused.reason).toContain(phrase);
	});

	it('counts the 255-character limit on the path after library/, as docker does', () => {
		expect(parseReference('a'.repeat(247)).valid).toBe(true);
		expect(parseReference('a'.repeat(248)).valid).toBe(false);
		expect(parseReference(`example.com/${'a'.repeat(255)}`).valid).toBe(true);
		expect(parseReference(`example.com/${'a'.repeat(256)}`).valid).toBe(false);
	});

	it('suggests a fix only when the fix is itself valid', () => {
		expect(rejection('My App').reason).not.toContain('Try');
		expect(rejection('my app').reason).toContain("Try 'my-app'");
	});
});

describe('validateRepositoryName', () => {
	it.each(['demo', 'alice/demo', 'my-app', 'my__app', 'first-image', 'a.b/c'])('accepts %s', name => {
		expect(validateRepositoryName(name)).toEqual({ok: true});
	});

	it.each<[string, ReferenceRule, string]>([
		['', 'empty', 'empty'],
		['my app', 'whitespace', "'my-app'"],
		['MyApp', 'uppercase', "Try 'myapp'"],
		['demo:1.0', 'bad-character', "Try 'demo'"],
		[`demo@sha256:${hex64}`, 'bad-character', "'@' and a digest"],
		['-demo', 'separator-position', "'-demo'"],
		['a//b', 'empty-component', "'a//b'"],
		['demo$', 'bad-character', "'$'"],
		['a'.repeat(256), 'too-long', '256 characters'],
		[hex64, 'hex-only', 'image ID'],
	])('refuses %j (%s)', (name, rule, phrase) => {
		const verdict = validateRepositoryName(name);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) {
			expect(verdict.rule).toBe(rule);
			expect(verdict.reason).toContain(phrase);
		}
	});
});

describe('validateTag', () => {
	it.each(['1.0', 'latest', 'V1.2-RC_3', '_under', 'x'.repeat(128)])('accepts %s', tag => {
		expect(validateTag(tag)).toEqual({ok: true});
	});

	it.each<[string, ReferenceRule, string]>([
		['', 'empty', 'empty'],
		['1 0', 'whitespace', "'1-0'"],
		[':1.0', 'bad-tag', "Try '1.0'"],
		['.hidden', 'bad-tag', "cannot start with '.' or '-'"],
		['-x', 'bad-tag', "'-x'"],
		['v1/2', 'bad-tag', "'/'"],
		['x'.repeat(129), 'tag-too-long', '129 characters'],
	])('refuses %j (%s)', (tag, rule, phrase) => {
		const verdict = validateTag(tag);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) {
			expect(verdict.rule).toBe(rule);
			expect(verdict.reason).toContain(phrase);
		}
	});
});

describe('checkNamespace', () => {
	it.each([
		['alice/demo:1.0', 'alice'],
		['docker.io/alice/demo', 'alice'],
		['127.0.0.1:5000/alice/demo:1.0', 'alice'],
		['localhost:5000/alice/nested/demo', 'alice'],
		['alice/demo', 'Alice'],
	])('%s is under %s', (input, username) => {
		expect(checkNamespace(referenceOf(input), username)).toEqual({ok: true});
	});

	it.each<[string, string, readonly string[]]>([
		['bob/demo:1.0', 'alice', ["'bob'", "'alice'", "'alice/demo:1.0'"]],
		['alpine', 'alice', ['official images', "'alice/alpine:latest'"]],
		['127.0.0.1:5000/demo:1.0', 'alice', ['no username', "'127.0.0.1:5000/alice/demo:1.0'"]],
		['127.0.0.1:5000/bob/demo', 'alice', ["'bob'", "'127.0.0.1:5000/alice/demo:latest'"]],
		['Alice/demo', 'alice', ['capital letters', 'registry', "'alice/demo:latest'"]],
		['alice/demo', '', ['log in']],
	])('%s is not under %j', (input, username, phrases) => {
		const verdict = checkNamespace(referenceOf(input), username);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) for (const phrase of phrases) expect(verdict.reason).toContain(phrase);
	});
});

describe('isDockerHub', () => {
	it.each(['docker.io', 'index.docker.io', 'https://index.docker.io/v1/'])('%s is Docker Hub', domain => {
		expect(isDockerHub(domain)).toBe(true);
	});

	it.each(['registry-1.docker.io', 'localhost:5000', 'ghcr.io', 'docker.io.example.com', 'DOCKER'])('%s is not Docker Hub', domain => {
		expect(isDockerHub(domain)).toBe(false);
	});

	it('is what the parser normalises to', () => {
		expect(isDockerHub(referenceOf('index.docker.io/alpine').domain)).toBe(true);
		expect(isDockerHub(referenceOf('alpine').domain)).toBe(true);
	});
});

// ---------------------------------------------------------------------------
// A second opinion: docker's own regular expressions (distribution/reference regexp.go and
// ParseNormalizedNamed, go-digest v1.0.0 for the digest) transcribed as they are, compared
// with the hand-written parser on many generated names.

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainAndPort = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const referencePattern = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::([\\w][\\w.-]{0,127}))?(?:@(${digestPattern}))?$`);
const anchoredName = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);

type Oracle = {valid: false} | {valid: true; domain: string; path: string; tag: string | null; digest: string | null};

function dockerVerdict(s: string): Oracle {
	if (/^[a-f0-9]{64}$/.test(s)) return {valid: false};
	const slash = s.indexOf('/');
	const first = slash === -1 ? '' : s.slice(0, slash);
	let [domain, remainder] =
		slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) ? ['docker.io', s] : [first, s.slice(slash + 1)];
	if (domain === 'index.docker.io') domain = 'docker.io';
	if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
	const colon = remainder.indexOf(':');
	const remote = colon === -1 ? remainder : remainder.slice(0, colon);
	if (remote.toLowerCase() !== remote) return {valid: false};
	const match = referencePattern.exec(`${domain}/${remainder}`);
	if (!match) return {valid: false};
	const name = anchoredName.exec(match[1] ?? '');
	const path = name?.[2] ?? '';
	if (path.length > 255) return {valid: false};
	const digest = match[3] ?? null;
	if (digest !== null && !/^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/.test(digest)) return {valid: false};
	return {valid: true, domain: name?.[1] ?? '', path, tag: match[2] ?? (digest === null ? 'latest' : null), digest};
}

/** Seeded names near the edge of the grammar: a well-formed name, then one or two random edits. */
function generatedNames(count: number): string[] {
	let seed = 20_240_601;
	const random = (): number => {
		// mulberry32
		seed = (seed + 0x6d_2b_79_f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	const chance = (p: number): boolean => random() < p;
	const alnum = (): string => Array.from({length: 1 + Math.floor(random() * 3)}, () => pick([...'abz09xq'])).join('');
	const component = (): string => {
		let text = alnum();
		while (chance(0.4)) text += pick(['.', '_', '__', '-', '--', '---', '..', '___', '._', '-.']) + alnum();
		return text;
	};
	const label = (): string => pick(['a', 'ab', 'a-b', 'x9', 'A', 'Reg', 'a--b', '0']);
	const domain = (): string => {
		const host = pick([
			() => Array.from({length: 1 + Math.floor(random() * 3)}, label).join('.'),
			() => 'localhost',
			() => pick(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'LOCAL', 'Alice']),
			() => pick(['[::1]', '[fc00::1]', '[2001:db8::]', '[FE80::a]']),
		])();
		return chance(0.4) ? `${host}:${pick(['5000', '0', '65536', '8'])}` : host;
	};
	const pieces = [...'aZ0._-/:@[] $', '__', '//', '::', 'library/', 'sha256:', `sha256:${hex64}`, 'A'];
	const names: string[] = [];
	for (let index = 0; index < count; index++) {
		const parts = Array.from({length: 1 + Math.floor(random() * 3)}, component);
		let name = (chance(0.5) ? `${domain()}/` : '') + parts.join('/');
		if (chance(0.4)) name += `:${pick(['1.0', 'latest', 'V1_x', '_u', '.x', '-x', '5000', 'a'.repeat(128), 'a'.repeat(129)])}`;
		if (chance(0.2)) {
			const digests = [`sha256:${hex64}`, `sha512:${'f'.repeat(128)}`, `sha384:${'e'.repeat(96)}`, `sha256:${'a'.repeat(63)}`];
			name += `@${pick([...digests, `SHA256:${hex64}`, `sha256:${'A'.repeat(64)}`, `md5:${hex64}`])}`;
		}
		if (chance(0.05)) name = 'a'.repeat(240 + Math.floor(random() * 20)) + (chance(0.5) ? '' : '/b');
		const edits = Math.floor(random() * 3);
		for (let edit = 0; edit < edits; edit++) {
			const at = Math.floor(random() * (name.length + 1));
			name = chance(0.5) ? name.slice(0, at) + pick(pieces) + name.slice(at) : name.slice(0, at) + name.slice(at + 1);
		}
		names.push(name);
	}
	return names;
}

describe('agrees with docker’s own regular expressions', () => {
	it('on 20000 generated names', () => {
		const disagreements: string[] = [];
		let valid = 0;
		for (const input of generatedNames(20_000)) {
			const expected = dockerVerdict(input);
			const actual = parseReference(input);
			if (expected.valid && expected.domain === '') {
				// docker's quirk: 'my_host.com/app' passes its regular expression as a path with no registry
				// at all, which no push can use; the lab refuses it and says why.
				if (actual.valid || actual.rule !== 'bad-domain') disagreements.push(`${input}: expected the bad-domain refusal`);
				continue;
			}
			if (expected.valid) valid++;
			const got = actual.valid
				? {valid: true, domain: actual.reference.domain, path: actual.reference.path, tag: actual.reference.tag, digest: actual.reference.digest}
				: {valid: false};
			if (JSON.stringify(got) !== JSON.stringify(expected)) {
				disagreements.push(`${input}: docker ${JSON.stringify(expected)}, lab ${JSON.stringify(got)}`);
			}
		}
		expect(disagreements.slice(0, 10)).toEqual([]);
		expect(valid).toBeGreaterThan(5000);
	});

	it('on every shared vector', () => {
		for (const vector of cases) expect(dockerVerdict(vector.input).valid, vector.input).toBe(vector.valid);
	});

	it('knows the one place it differs on purpose', () => {
		expect(dockerVerdict('my_host.com/app')).toMatchObject({valid: true, domain: '', path: 'my_host.com/app'});
		expect(rejection('my_host.com/app').rule).toBe('bad-domain');
	});
});
