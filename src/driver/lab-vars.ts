import {lessonVars} from '../lesson/lesson-vars.js';
import type {Lesson, RegistryKind} from '../lesson/schema.js';
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

/**
 * The variables every lesson can use, for the chosen registry: facts only (src/lesson/lesson-vars.ts,
 * labFacts). Wording about them (a login tip per registry) is the lesson's own: withLessonVars.
 */
export function labVars(choice: RegistryChoice, host: string, engineName: string): Vars {
	const hub = choice.kind === 'hub';
	return {
		registry: hub ? dockerHubDomain : host,
		registryKind: choice.kind,
		registryArg: hub ? '' : host,
		registryPrefix: hub ? '' : `${host}/`,
		engine: engineName,
		signupUrl: HUB_SIGNUP_URL,
		tokenUrl: hubTokenSettingsUrl(),
	};
}

/** The lab's variables with the lesson's own (`vars:`) made from them for this kind of registry. */
export function withLessonVars(lesson: Lesson, kind: RegistryKind, lab: Vars): Vars {
	return {...lab, ...lessonVars(lesson, kind, lab)};
}
