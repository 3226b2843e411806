/**
 * The checks of the classmate exchange (the pull step): before the pull, that the name points at the lesson's registry
 * (a name without a host goes to Docker Hub); after it, that the image pulled is a classmate's, not the student's own.
 */
import {diagnose} from '../container/diagnose.js';
import {authorLabel, imageFacts, isPlainAuthor} from '../container/images.js';
import {inspectLabelsArgs} from '../container/commands.js';
import {parseReference} from '../container/reference.js';
import type {CheckResult} from '../lesson/results.js';
import type {Check} from '../lesson/schema.js';
import {dockerHubDomain, isDockerHub, registryTitle} from '../registry/address.js';
import type {CheckContext} from './checks.js';

type Checker<T extends Check['type']> = (check: Extract<Check, {type: T}>, context: CheckContext) => Promise<CheckResult>;

/** What came back, for `did`: one line, at most this many characters. */
const didChars = 240;

export const exchangeCheckers: {'registry-host': Checker<'registry-host'>; 'classmate-image': Checker<'classmate-image'>} = {
	async 'registry-host'(check) {
		const typed = check.reference.trim();
		const parsed = parseReference(typed);
		if (!parsed.valid) return {ok: false, summary: `'${typed}' is not a valid image name.`, detail: parsed.reason, did: `read the name '${short(typed)}'`};
		const lesson = isDockerHub(check.registry) ? dockerHubDomain : check.registry.trim();
		const {host, rest} = splitHost(typed);
		const went = host === null ? dockerHubDomain : parsed.reference.domain;
		const did = `read the name '${short(typed)}': ${host === null ? `no host, so ${dockerHubDomain}` : `host ${short(host)}`}`;
		if (sameRegistry(went, lesson)) return {ok: true, summary: `${typed} is on ${registryTitle(lesson)}, the lesson's registry.`, did};
		const full = isDockerHub(lesson) ? rest : `${lesson}/${rest}`;
		const offer = parseReference(full).valid ? full : undefined;
		const instead = offer ? ` Use ${offer} instead.` : '';
		const reason =
			host === null
				? `'${typed}' has no registry host in front: without a host, docker looks on Docker Hub (docker.io), not on ${registryTitle(lesson)}.`
				: `'${typed}' names the registry ${host}, not ${registryTitle(lesson)}: docker would pull it from ${isDockerHub(went) ? 'Docker Hub' : host}.`;
		return {
			ok: false,
			summary: host === null ? `The image name has no registry in front: docker would look on Docker Hub.` : `The image name points at another registry.`,
			detail: reason + instead,
			diagnosis: {
				cause: 'invalid-reference',
				title: isDockerHub(lesson)
					? 'The name must start with a Docker Hub username (no host): your classmates pushed to Docker Hub.'
					: `The name must start with ${lesson}/, the registry your classmates pushed to.`,
				hint: isDockerHub(lesson)
					? 'On Docker Hub a name needs no host: type USERNAME/REPOSITORY:TAG.'
					: `An image's name says where it lives: type ${lesson}/USERNAME/REPOSITORY:TAG.`,
			},
			...(offer ? {suggestion: {field: 'reference', value: offer}} : {}),
			did,
		};
	},

	async 'classmate-image'(check, context) {
		const typed = check.reference.trim();
		const parsed = parseReference(typed);
		if (!parsed.valid) return {ok: false, summary: `'${typed}' is not a valid image name.`, detail: parsed.reason};
		const command = `${context.engine.name} ${inspectLabelsArgs(typed)
			.map(arg => (arg.includes(' ') ? `'${arg}'` : arg))
			.join(' ')}`;
		const answer = await imageFacts(context.engine, typed, {signal: context.signal});
		if (!answer.ok) {
			return {
				ok: false,
				summary: `${typed} is not on this computer.`,
				detail: answer.output,
				diagnosis: diagnose(answer.spawnError ? `exec: "${context.engine.bin}": executable file not found in $PATH` : answer.output, {
					command: `${context.engine.name} image inspect ${typed}`,
					engine: context.engine.name,
					reference: typed,
				}),
				did: `${command} → ${short(answer.output || 'failed')}`,
			};
		}
		const {id, labels} = answer.value;
		// A label is the text of whoever made the image: only a plain username counts as registry-lab's.
		const labelled = labels[authorLabel] ?? '';
		const author = isPlainAuthor(labelled) ? labelled : '';
		const did = `${command} → ${short(`${id.slice(0, 19)}…${author ? ` made with registry-lab by ${author}` : ' no registry-lab labels'}`)}`;
		const user = check.username.trim().toLowerCase();
		const components = parsed.reference.path.split('/');
		const owner = components.length > 1 ? (components[0] ?? '') : '';
		const official = isDockerHub(parsed.reference.domain) && owner === 'library';
		const own = (reason: string): CheckResult => ({
			ok: false,
			summary: `${typed} is your own image: pull a classmate's to see the other direction.`,
			detail: `${reason} Ask a classmate for the name of the image they pushed (their username comes after the registry), and pull that one.`,
			did,
		});
		if (owner === user && user) return own(`It is under your username, ${user}/.`);
		if (author && author === user)
			return own(`It carries registry-lab's label naming its author: ${user}, you. A new name does not make it someone else's.`);
		const classmate = author || (official ? 'Docker' : owner) || 'someone else';
		const whose = author
			? `${author}'s image, made with registry-lab`
			: official
				? `an official Docker Hub image (${parsed.reference.path})`
				: owner
					? `an image under ${owner}/`
					: `an image at ${parsed.reference.path}, not under your name`;
		return {
			ok: true,
			summary: `${typed} is on this computer: ${whose} (image ${id.replace(/^sha256:/, '').slice(0, 12)}).`,
			facts: {classmate},
			did,
		};
	},
};

/** The host typed in front of a name, or null (docker's rule: a first part with '.' or ':', 'localhost', or capitals), and the rest. */
function splitHost(typed: string): {host: string | null; rest: string} {
	const slash = typed.indexOf('/');
	const first = slash === -1 ? '' : typed.slice(0, slash);
	const isHost = first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
	return isHost ? {host: first, rest: typed.slice(slash + 1)} : {host: null, rest: typed};
}

/** The same registry: Docker Hub by any of its names, else the same host:port (host names compared without case). */
function sameRegistry(a: string, b: string): boolean {
	if (isDockerHub(a) || isDockerHub(b)) return isDockerHub(a) && isDockerHub(b);
	return a.toLowerCase() === b.toLowerCase();
}

function short(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > didChars ? `${line.slice(0, didChars - 1)}…` : line;
}
