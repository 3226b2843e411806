// Hostile engine output for `diagnose`: what a registry that wants to freeze the lab could make docker print.
// Shared by the bench (bench/diagnose.ts times them) and the unit test (which checks the causes, never the time).
import type {Cause} from '../src/lesson/results.js';

export type HostileInput = {readonly name: string; readonly text: string; readonly command?: string; readonly causes: readonly Cause[]};

const mb = 1024 * 1024;

/** `unit` repeated up to about `size` characters. */
const repeat = (unit: string, size: number): string => unit.repeat(Math.max(1, Math.floor(size / unit.length)));

/** A phrase of each rule, repeated with nothing that completes it; the cause it may fairly get besides 'unknown'. */
const phrases: readonly {readonly phrase: string; readonly cause?: Cause}[] = [
	{phrase: 'reading manifest '},
	{phrase: 'reading manifest in '},
	{phrase: 'reading manifest a in '},
	{phrase: 'failed to resolve reference '},
	{phrase: 'failed to resolve reference :'},
	{phrase: 'spawn docker'},
	{phrase: 'spawn dockerdocker '},
	{phrase: 'dial unix '},
	{phrase: 'dial unix docker.sock'},
	{phrase: 'image platform ('},
	{phrase: 'The push refers to repository ['},
	{phrase: 'login attempt to '},
	{phrase: 'manifest for '},
	{phrase: 'repository '},
	{phrase: 'exec: "'},
	{phrase: 'exec: "/docker'},
	{phrase: 'sh: /docker'},
	{phrase: 'bash: line 1: '},
	{phrase: 'zsh: no such file or directory: /'},
	{phrase: 'Cannot connect to the Docker daemon at unix://', cause: 'daemon-unreachable'},
	{phrase: 'daemon at tcp://a.', cause: 'daemon-unreachable'},
	{phrase: 'pipe/dockerDesktop', cause: 'daemon-unreachable'},
	{phrase: 'certificate is valid for ', cause: 'tls-untrusted'},
	{phrase: 'no matching manifest for ', cause: 'platform-mismatch'},
	{phrase: 'docker-credential-', cause: 'credential-helper'},
	{phrase: 'https://', cause: undefined},
	{phrase: 'http://a/v2/', cause: undefined},
	{phrase: 'pinging container registry '},
	{phrase: 'Error: '},
	{phrase: 'unauthorized ', cause: 'not-logged-in'},
];

export function hostileInputs(size = mb): readonly HostileInput[] {
	const inputs: HostileInput[] = [];
	for (const {phrase, cause} of phrases) {
		const causes: readonly Cause[] = cause ? ['unknown', cause] : ['unknown'];
		inputs.push({name: `"${phrase}" repeated on one line`, text: repeat(phrase, size), causes});
		inputs.push({name: `"${phrase}" repeated, a line each`, text: repeat(`${phrase}\n`, size), causes});
		inputs.push({name: `"${phrase}" then a long word`, text: phrase + 'a'.repeat(size - phrase.length), causes});
	}
	inputs.push(
		{name: 'one line of letters', text: 'a'.repeat(size), causes: ['unknown']},
		{name: 'newlines only', text: '\n'.repeat(size), causes: ['unknown']},
		{name: 'spaces only', text: ' '.repeat(size), causes: ['unknown']},
		{name: 'unicode, astral and combining', text: repeat('é🐳\u0301ß\u200b', size), causes: ['unknown']},
		{name: 'quotes and brackets', text: repeat('"[(\'`<', size), causes: ['unknown']},
		{
			name: 'a real message after 1 MB of noise',
			text: `${repeat('reading manifest in ', size)}\nError response from daemon: manifest for alice/demo:1.0 not found: manifest unknown`,
			command: 'docker pull alice/demo:1.0',
			causes: ['image-not-found'],
		},
	);
	return inputs;
}
