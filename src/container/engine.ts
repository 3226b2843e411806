/** Which container engine CLI the lab drives, and the environment its commands run with. */
export type EngineName = 'docker' | 'podman';

export type Engine = {
	readonly name: EngineName;
	/** Program to run: 'docker', 'podman', or an absolute path. */
	readonly bin: string;
	/**
	 * Environment for every engine command and for reading login state
	 * (DOCKER_CONFIG, DOCKER_HOST, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, HOME...).
	 * Tests pass their own; the app passes process.env.
	 */
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Extra global flags placed before the subcommand (podman: --storage-driver vfs). */
	readonly globalArgs?: readonly string[];
};

export function defaultEngine(name: EngineName = 'docker', env: Readonly<Record<string, string | undefined>> = process.env): Engine {
	return {name, bin: name, env};
}
