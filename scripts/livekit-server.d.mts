// Types for livekit-server.mjs, which the livekit test tier's helper imports.
export declare const LIVEKIT_SERVER_VERSION: string;
export declare function livekitServerBin(): string;
export declare function ensureLivekitServer(): { ok: true; bin: string } | { ok: false; error: string };
