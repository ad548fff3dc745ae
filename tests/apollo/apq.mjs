// A real Apollo Client sends automatic persisted queries to the service:
//   node apq.mjs URL TOKEN [get]
// The first query misses (the replica has not seen its hash), Apollo resends the text, and the
// second query is sent as the hash alone. Prints what went over the wire as JSON; exits 1 when
// the exchange is not the one Apollo Client expects.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';

const [url, token, method] = process.argv.slice(2);
const wire = [];
const recordingFetch = async (input, init = {}) => {
  const target = new URL(typeof input === 'string' ? input : input.url);
  const body = init.body ? JSON.parse(init.body) : null;
  const params = Object.fromEntries(target.searchParams.entries());
  const sent = body ?? { query: params.query, extensions: params.extensions && JSON.parse(params.extensions) };
  const response = await fetch(input, init);
  const text = await response.clone().text();
  wire.push({ method: init.method ?? 'GET', status: response.status, hasQuery: Boolean(sent.query), hasHash: Boolean(sent.extensions?.persistedQuery), answer: JSON.parse(text) });
  return response;
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: method === 'get' }).concat(
  new HttpLink({ uri: url, fetch: recordingFetch, headers: { authorization: `Bearer ${token}` } }),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });
const query = gql`query Org { viewer { org roles } }`;
const first = await client.query({ query, fetchPolicy: 'network-only' });
const second = await client.query({ query, fetchPolicy: 'network-only' });

const expected = [
  { hasQuery: false, hasHash: true, code: 'PERSISTED_QUERY_NOT_FOUND' },
  { hasQuery: true, hasHash: true, code: undefined },
  { hasQuery: false, hasHash: true, code: undefined },
];
const seen = wire.map((call) => ({ hasQuery: call.hasQuery, hasHash: call.hasHash, code: call.answer.errors?.[0]?.extensions?.code }));
const ok = JSON.stringify(seen) === JSON.stringify(expected) && first.data.viewer.org === second.data.viewer.org;
console.log(JSON.stringify({ ok, org: second.data.viewer.org, wire }, null, 1));
process.exit(ok ? 0 : 1);
