// Delivery status order, as the server moves it (webhook_routes.cpp status_rank):
// a later answer never takes a message back. The POST's answer ("queued") can
// arrive after the socket's message.updated ("sent"); the newest status wins
// (issue 16 item 16).
const rank = { queued: 0, accepted: 0, sending: 0, sent: 1, failed: 2, undelivered: 2, delivered: 3, read: 4 };

export function statusRank(status) {
  return status in rank ? rank[status] : -1;
}

const retries = (m) => m.metadata?.retries ?? 0;

// The copy of a message to keep when another arrives for the same id. A Retry
// (issue 18) starts delivery over, back at "queued": the copy of the later
// attempt wins whatever its status.
export function newerMessage(have, incoming) {
  if (!have) return incoming;
  if (retries(incoming) !== retries(have)) return retries(incoming) > retries(have) ? incoming : have;
  if (statusRank(incoming.status) >= statusRank(have.status)) return incoming;
  // Other fields (a transcript, metadata) may be newer; the status is not.
  return {
    ...incoming,
    status: have.status,
    error: have.error,
    error_code: have.error_code,
    error_explanation: have.error_explanation,
    external_id: have.external_id,
  };
}
