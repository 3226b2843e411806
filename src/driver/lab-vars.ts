import type {RegistryKind} from '../lesson/schema.js';
import type {Vars} from '../lesson/template.js';
import {dockerHubDomain} from '../registry/address.js';
import {HUB_SIGNUP_URL, hubTokenSettingsUrl} from '../registry/hub-client.js';

export type RegistryChoice = {readonly kind: 'hub'} | {readonly kind: 'class'; readonly host: string} | {readonly kind: 'practice'};

/** The three places to push, as the start screen offers them. */
export const registryOptions: readonly {readonly value: RegistryChoice['kind']; readonly title: string; readonly detail: string}[] = [
	{value: 'hub', title: 'Docker Hub', detail: 'with your own free Docker account'},
	{value: 'class', title: 'A class registry', detail: 'your instructor gave you its address and an account'},
	{value: 'practice', title: 'A practice registry on this computer', detail: 'no account needed'},
];

/** The registry's address: host[:port], or docker.io for Docker Hub; a practice registry's is known once it runs. */
export function registryOfChoice(choice: RegistryChoice, practiceHost = ''): string {
	return choice.kind === 'class' ? choice.host : choice.kind === 'hub' ? dockerHubDomain : practiceHost;
}

/** The variables every lesson can use, for the chosen registry. */
export function labVars(choice: RegistryChoice, host: string, engineName: string): Vars {
	const hub = choice.kind === 'hub';
	const registry = hub ? dockerHubDomain : host;
	const titles: Record<RegistryKind, string> = {
		hub: 'Docker Hub',
		class: `the class registry ${host}`,
		practice: `the practice registry on this computer (${host})`,
	};
	const tips: Record<RegistryKind, string> = {
		hub:
			`Use a personal access token instead of your password: make one at ${hubTokenSettingsUrl()} (Read & Write). ` +
			'You can revoke a token any time without changing your password.',
		class: 'Use the password your instructor gave you.',
		practice: 'Type the practice password shown in the step before.',
	};
	return {
		registry,
		registryKind: choice.kind,
		registryTitle: titles[choice.kind],
		registryArg: hub ? '' : host,
		registryPrefix: hub ? '' : `${host}/`,
		engine: engineName,
		signupUrl: HUB_SIGNUP_URL,
		tokenUrl: hubTokenSettingsUrl(),
		loginTip: tips[choice.kind],
		classmateExample: `${hub ? '' : `${host}/`}THEIR-USERNAME/first-image:1.0`,
		pullTip: hub ? 'Working alone? Pull any public image, such as alpine or hello-world.' : '',
	};
}
