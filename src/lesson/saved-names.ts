import {checkFacts} from './check-facts.js';
import type {Step} from './schema.js';
import {variablesIn} from './template.js';

/**
 * The variables of a run that are saved, by what the lesson says of them: every input that is not a
 * secret, every derived variable, and every fact its checks find (check-facts.ts). Never a secret, nor
 * a variable derived from one (the loader refuses that already), nor the lab's built-in variables,
 * which each start makes again. The progress store keeps no list of names: it keeps these.
 */
export function savedNames(steps: readonly Step[]): Set<string> {
	const secrets = new Set(steps.flatMap(step => step.inputs.filter(input => input.kind === 'secret').map(input => input.id)));
	const names = new Set<string>();
	for (const step of steps) {
		for (const input of step.inputs) if (input.kind !== 'secret') names.add(input.id);
		for (const [name, template] of Object.entries(step.derive)) if (!variablesIn(template).some(used => secrets.has(used))) names.add(name);
		for (const check of [...step.before, ...(step.check ? [step.check] : [])]) for (const fact of checkFacts[check.type]) names.add(fact);
	}
	for (const secret of secrets) names.delete(secret);
	return names;
}

/** The inputs that name something on this computer (kind local-image): what still holds when the registry is a new one. */
export function localNames(steps: readonly Step[]): Set<string> {
	return new Set(steps.flatMap(step => step.inputs.filter(input => input.kind === 'local-image').map(input => input.id)));
}

/** Of the vars, only those named. */
export function onlyNamed(vars: Readonly<Record<string, string>>, names: ReadonlySet<string>): Record<string, string> {
	return Object.fromEntries(Object.entries(vars).filter(([name, value]) => names.has(name) && typeof value === 'string' && value.length > 0));
}
