import type {ActionName, AvailableAction} from '../lesson-run/actions.js';
import type {KeyHint} from './components/key-hints.js';

/**
 * The key for each action the lesson allows, as the app offers it. Made from the pure core's
 * list (availableActions), like plain mode's words, so both faces offer the same things
 * (docs/ARCHITECTURE.md, "Actions"). While the student types the command, letters belong to
 * it: the same escapes as in plain mode (!check, !edit, !open) are typed instead.
 */
export function appKey(action: ActionName, typing: boolean): string {
	switch (action) {
		case 'answer':
		case 'run':
		case 'typed':
		case 'next':
			return 'enter';
		case 'hint':
			return 'enter on an empty line';
		case 'type':
			return 'tab';
		case 'check':
			return typing ? '!check' : 'c';
		case 'edit':
			return typing ? '!edit' : 'e';
		case 'retry':
			return 'r';
		case 'take':
			return 'u';
		case 'skip':
			return 's';
		case 'did':
			return 'w';
		case 'open-link':
			return typing ? '!open' : 'o';
		case 'stop':
			return 'esc';
		case 'quit':
			return 'ctrl+c';
	}
}

export function keyHints(actions: readonly AvailableAction[], typing: boolean): KeyHint[] {
	// While a command runs, the first ctrl+c stops it (as esc does) and only a second one quits: say so.
	const running = actions.some(action => action.name === 'stop');
	return actions.map(action => [appKey(action.name, typing), running && action.name === 'quit' ? 'stop it, twice: quit' : action.label] as const);
}

/** The action a key press means among those offered, or undefined. Enter is the first Enter action, or retry. */
export function actionForKey(
	input: string,
	key: {readonly return: boolean; readonly tab: boolean; readonly escape: boolean},
	actions: readonly AvailableAction[],
): ActionName | undefined {
	const offered = (name: ActionName) => actions.some(action => action.name === name);
	if (key.tab) return offered('type') ? 'type' : undefined;
	if (key.escape) return offered('stop') ? 'stop' : undefined;
	if (key.return) return (['run', 'next', 'retry'] as const).find(offered);
	const letter = input.toLowerCase();
	return actions.find(action => action.name !== 'quit' && appKey(action.name, false) === letter)?.name;
}
