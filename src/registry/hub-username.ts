/**
 * Docker's rule for a Docker ID, the Docker Hub username: 4 to 30 characters, only lowercase letters and digits.
 * Said once here, with the two ways the lab words it: for a lesson input, and before asking Docker Hub.
 */

const minLength = 4;
const maxLength = 30;
const lengths = `${minLength} to ${maxLength}`;

export const hubUsernamePattern = new RegExp(`^[a-z0-9]{${minLength},${maxLength}}$`);

export function isHubUsername(name: string): boolean {
	return hubUsernamePattern.test(name);
}

/** For a lesson input (already trimmed): why it is not a Docker Hub username, or null. */
export function hubUsernameInputProblem(name: string): string | null {
	if (name.includes('@')) return 'That looks like an e-mail address. Type your Docker Hub username instead (it is shown at the top right of hub.docker.com).';
	if (isHubUsername(name)) return null;
	// A name offered instead is one this rule takes: lowercase, without the spaces, dots, dashes and underscores.
	if (isHubUsername(name.toLowerCase())) return `Docker Hub usernames are lowercase: try '${name.toLowerCase()}'.`;
	const fitted = name.toLowerCase().replace(/[^a-z0-9]/g, '');
	const guess = isHubUsername(fitted) ? ` Is it '${fitted}'?` : '';
	return `Docker Hub usernames are ${lengths} lowercase letters and digits, nothing else.${guess}`;
}

/** Why `name` cannot be a Docker ID, or undefined when it can be one; each reason names the one thing to fix. */
export function dockerIdProblem(name: string): string | undefined {
	const shown = JSON.stringify(name);
	if (name.trim().length === 0) return 'The Docker ID is empty: type your Docker Hub username.';
	if (name.includes('@')) {
		return `${shown} looks like an e-mail address. Type your Docker ID (the username shown at the top right of hub.docker.com), not your e-mail.`;
	}
	if (name !== name.trim()) return `${shown} has spaces around it: type the Docker ID without spaces.`;
	if (/[A-Z]/.test(name) && /^[A-Za-z0-9]+$/.test(name)) return `Docker IDs are all lowercase: try ${JSON.stringify(name.toLowerCase())}.`;
	if (!/^[a-z0-9]+$/.test(name)) {
		return `${shown} cannot be a Docker ID: a Docker ID has only lowercase letters and digits (no spaces, dots, dashes or underscores).`;
	}
	if (name.length < minLength) return `${shown} is too short to be a Docker ID: a Docker ID has ${lengths} characters.`;
	if (name.length > maxLength) return `${shown} is too long to be a Docker ID: a Docker ID has ${lengths} characters.`;
	return undefined;
}
