// Runs the graphql-http GraphQL-over-HTTP audit against a running service:
//   node audit.mjs http://127.0.0.1:PORT/graphql TOKEN
// Prints every audit that is not ok and exits 1 on any error or warning.
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node audit.mjs URL TOKEN');
  process.exit(2);
}

// Every request carries the bearer token, as every client of the service must.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
let failed = 0;
for (const result of results) {
  if (result.status === 'ok') continue;
  if (result.status !== 'notice') failed += 1;
  let body = '';
  try {
    body = await result.response.text();
  } catch {
    body = '(no body)';
  }
  console.log(`${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}\n  ${body.slice(0, 300)}`);
}
const ok = results.filter((result) => result.status === 'ok').length;
console.log(`graphql-http audit: ${ok} ok, ${failed} errors or warnings, ${results.length - ok - failed} notices`);
process.exit(failed === 0 ? 0 : 1);
