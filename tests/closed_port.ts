/**
 * A loopback port nobody listens on, for tests of refused connections. A port taken from a
 * listener just closed is not: while the tests run in parallel, another test's server may be
 * given the same port before the request leaves, and the request then waits for an answer
 * that never comes. Port 2 lies below the range the system hands out for port 0, and is not
 * one of the ports `fetch` refuses to reach.
 */
export const CLOSED_PORT = 2;
