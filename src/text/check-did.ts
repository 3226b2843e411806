/**
 * What a check did (CheckResult.did: the read-only command or request, and what came back) as the lines every
 * face prints: plain mode after each check, the app under the result when asked (`w`), `verify --verbose` under
 * each step.
 */
export const checkedPrefix = 'checked: ';

export function didLines(did: string | undefined): string[] {
	return (did ?? '')
		.split('\n')
		.filter(line => line.trim().length > 0)
		.map(line => `${checkedPrefix}${line}`);
}
