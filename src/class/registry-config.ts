/** The distribution registry's configuration for a class: htpasswd accounts, deletes, and notifications to the class listener. */

export type ClassRegistryConfig = {
	/** host:port the registry listens on. */
	readonly listen: string;
	/** Absolute paths. */
	readonly storage: string;
	readonly htpasswd: string;
	/** http.secret: the same for every replica behind one address. */
	readonly httpSecret: string;
	/** Where notifications go: http://HOST:PORT/events of the listener. */
	readonly notifyUrl: string;
	readonly notifySecret: string;
	readonly realm: string;
	/** HTTPS with these files (absolute paths). */
	readonly tls?: {readonly certificate: string; readonly key: string};
};

/** registry.yml: every string is written as a JSON string, which YAML reads as a double-quoted string. */
export function classRegistryConfig(config: ClassRegistryConfig): string {
	const quote = (text: string) => JSON.stringify(text);
	return [
		'# The class registry (written by registry-lab class init / class up; changes are overwritten by class up).',
		'version: 0.1',
		'log:',
		'  level: warn',
		'  accesslog:',
		'    disabled: true',
		'storage:',
		'  filesystem:',
		`    rootdirectory: ${quote(config.storage)}`,
		'  delete:',
		'    enabled: true',
		'http:',
		`  addr: ${quote(config.listen)}`,
		`  secret: ${quote(config.httpSecret)}`,
		'  headers:',
		'    X-Content-Type-Options: [nosniff]',
		...(config.tls ? ['  tls:', `    certificate: ${quote(config.tls.certificate)}`, `    key: ${quote(config.tls.key)}`] : []),
		'auth:',
		'  htpasswd:',
		`    realm: ${quote(config.realm)}`,
		`    path: ${quote(config.htpasswd)}`,
		'notifications:',
		'  events:',
		'    includereferences: true',
		'  endpoints:',
		'    - name: registry-lab-class',
		`      url: ${quote(config.notifyUrl)}`,
		'      headers:',
		`        Authorization: [${quote(`Bearer ${config.notifySecret}`)}]`,
		'      timeout: 2s',
		'      threshold: 5',
		'      backoff: 1s',
		'',
	].join('\n');
}
