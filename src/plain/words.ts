import type {ActionName, AvailableAction} from '../lesson-run/actions.js';

/**
 * How plain mode offers each action the lesson allows: the word to type and how it is said.
 * Made from the pure core's list (availableActions), like the app's keys, so both faces offer
 * the same things (docs/ARCHITECTURE.md, "Actions"). '' is Enter alone.
 */
export type PlainWord = {readonly word: string; readonly phrase: (label: string) => string; readonly bracketed: string | ((label: string) => string)};

const onStep: Partial<Record<ActionName, PlainWord>> = {
	run: {word: '', phrase: label => `Press Enter to ${label}`, bracketed: '[Enter] run it'},
	type: {word: 't', phrase: () => 't to type it yourself', bracketed: '[t]ype it yourself'},
	check: {word: 'c', phrase: () => 'c if you ran it in your own terminal (check only)', bracketed: '[c]heck only'},
	edit: {word: 'e', phrase: () => 'e to change your answers', bracketed: '[e]dit answers'},
	retry: {word: 'r', phrase: () => 'r to try again', bracketed: '[r]etry'},
	take: {word: 'u', phrase: label => `u to ${label}`, bracketed: label => `[u] ${label}`},
	skip: {word: 's', phrase: () => 's to go on without this check', bracketed: '[s]kip this check'},
	did: {word: 'w', phrase: () => 'w to see what the check did', bracketed: '[w]hat the check did'},
	'open-link': {word: 'o', phrase: () => 'o to open the link in your browser', bracketed: '[o]pen the link'},
	quit: {word: 'q', phrase: () => 'q to quit', bracketed: '[q]uit'},
};

/** While the student types the command: the escapes a typed line may be (the driver knows them too). */
const whileTyping: Partial<Record<ActionName, PlainWord>> = {
	typed: {word: '', phrase: () => 'type the command', bracketed: ''},
	hint: {word: '', phrase: () => 'an empty line gives the next hint', bracketed: ''},
	type: {word: '!run', phrase: () => '!run runs it for you', bracketed: ''},
	check: {word: '!check', phrase: () => '!check checks only', bracketed: ''},
	edit: {word: '!edit', phrase: () => '!edit changes your answers', bracketed: ''},
	'open-link': {word: '!open', phrase: () => '!open opens the link in your browser', bracketed: ''},
	quit: {word: 'q', phrase: () => 'q quits', bracketed: ''},
};

export function plainWord(action: ActionName, typing: boolean): PlainWord | undefined {
	return (typing ? whileTyping : onStep)[action];
}

/** "Press Enter to run it, c if you ran it…, q to quit" for a step that waits. */
export function stepPrompt(actions: readonly AvailableAction[]): string {
	const offered = actions.filter(action => action.name !== 'quit' || actions.length > 2);
	return offered.map(action => plainWord(action.name, false)?.phrase(action.label) ?? action.label).join(', ');
}

/** "Try again? [r]etry / [c]heck only / [q]uit" after a failure or a stop. */
export function againPrompt(actions: readonly AvailableAction[]): string {
	const bracketed = (action: AvailableAction): string => {
		const said = plainWord(action.name, false)?.bracketed ?? action.label;
		return typeof said === 'function' ? said(action.label) : said;
	};
	return `Try again? ${actions.map(bracketed).join(' / ')}`;
}

/** The escapes offered while typing, in one sentence. */
export function typingHelp(actions: readonly AvailableAction[]): string {
	const said = actions.filter(action => action.name !== 'typed').map(action => plainWord(action.name, true)?.phrase(action.label) ?? action.label);
	return `Type the command yourself, as you would in a terminal (${said.join('; ')}).`;
}

/** The action a typed word stands for among those offered; undefined when it is none of them. */
export function actionFor(typed: string, actions: readonly AvailableAction[], typing: boolean): ActionName | undefined {
	const word = typed.trim().toLowerCase();
	for (const action of actions) {
		const plain = plainWord(action.name, typing);
		if (!plain || action.name === 'typed' || action.name === 'hint') continue;
		if (plain.word === word || (plain.word.length === 1 && word.length > 1 && word.startsWith(plain.word) && !typing)) return action.name;
	}
	return undefined;
}
