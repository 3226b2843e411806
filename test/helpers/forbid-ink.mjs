// node --import ./test/helpers/forbid-ink.mjs: any import of ink, react or @inkjs/ui fails loudly.
// Proves that the plain mode runs without loading the screen's libraries.
import {register} from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
	if (/^(?:ink|react|@inkjs\\/ui)(?:\\/|$)/.test(specifier)) throw new Error('ink or react was loaded: ' + specifier);
	return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
