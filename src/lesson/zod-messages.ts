import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

let configured = false;

/**
 * zod's small build carries no words of its own: a problem says only "Invalid input" until a
 * locale is set. The lesson loader and the progress file say what was wrong, in English.
 */
export function useEnglishMessages(): void {
	if (configured) return;
	configured = true;
	z.config(en());
}
