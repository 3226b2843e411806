import http from 'node:http';
import net from 'node:net';

export type Seen = {readonly method: string; readonly url: URL; readonly headers: http.IncomingHttpHeaders};
export type Handler = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => void;
export type Served = {readonly host: string; readonly origin: string; readonly seen: Seen[]; close(): Promise<void>};

const open = new Set<Served>();

/**
 * An HTTP server on 127.0.0.1:random that records every request and hands it to `handler`
 * (`make` builds another kind, such as an https server). Close them all with closeServers.
 */
export async function serveHttp(
	handler: Handler,
	make: (listener: http.RequestListener) => net.Server = listener => http.createServer(listener),
): Promise<Served> {
	const seen: Seen[] = [];
	const sockets = new Set<net.Socket>();
	let origin = '';
	const server = make((request, response) => {
		const url = new URL(request.url ?? '/', origin);
		seen.push({method: request.method ?? 'GET', url, headers: request.headers});
		handler(request, response, url);
	});
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	origin = `http://127.0.0.1:${port}`;
	const served: Served = {
		host: `127.0.0.1:${port}`,
		origin,
		seen,
		close: () =>
			new Promise<void>(resolve => {
				open.delete(served);
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
	open.add(served);
	return served;
}

/** For afterEach: every server serveHttp started and nobody closed yet. */
export async function closeServers(): Promise<void> {
	await Promise.all([...open].map(served => served.close()));
}

/** An origin on 127.0.0.1 where nothing listens (Docker Hub or a registry out of reach): a port just freed. */
export async function closedOrigin(): Promise<string> {
	const probe = net.createServer();
	await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
	const {port} = probe.address() as net.AddressInfo;
	await new Promise(resolve => probe.close(resolve));
	return `http://127.0.0.1:${port}`;
}
