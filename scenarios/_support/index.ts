// The helpers the built-in scenarios use, for scenarios in other repositories:
//   import { gate, atLeast, apiRequest, decodeClaims } from 'kindlab/support';
// (package.json "exports": "./support"). Scenario authors in this repository import the files
// directly; the names here are the documented, stable part.
export { atLeast, minor, versionTuple, gate, describeGate, apiServerGates, clusterScopedName, sleep, type GateSource, type GateState } from './cluster.js';
export { apiRequest, json, webSocket, openWebSocket, type ApiRequest, type HttpResult, type WebSocketFrame, type WebSocketResult, type OpenedWebSocket } from './http.js';
export { decodeClaims, fingerprint, type Claims } from './jwt.js';
export { isKubeletNode, kubeletNodes } from './nodes.js';
