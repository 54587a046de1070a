// API calls of the Route and Rooster tabs: catalogue, personas, planning, routes, enrolments,
// the schedule and its calendar feed. GETs go through the service worker (network first, last
// answer kept offline); the rest needs the network.
import { request } from '../core/api.js';

const CATALOG = '/api/v1/catalog/qualifications';

export const routeApi = {
  qualifications: () => request('GET', CATALOG),
  qualification: (id) => request('GET', `${CATALOG}/${encodeURIComponent(id)}`),
  carousel: (id) => request('GET', `${CATALOG}/${encodeURIComponent(id)}/carousel`),
  // With a qualification, each persona's default pace is one that qualification's groups meet.
  personas: (qualificationId) => request('GET', qualificationId
    ? `/api/v1/routes/personas?qualification_id=${encodeURIComponent(qualificationId)}`
    : '/api/v1/routes/personas'),
  plan: (body) => request('POST', '/api/v1/routes/plan', body),
  saveRoute: (body, choice) => request('POST', '/api/v1/routes', { ...body, choice }),
  routes: () => request('GET', '/api/v1/routes'),
  deleteRoute: (id) => request('DELETE', `/api/v1/routes/${encodeURIComponent(id)}`),
  enrolRoute: (id) => request('POST', `/api/v1/routes/${encodeURIComponent(id)}/enrolments`),
  progress: () => request('GET', '/api/v1/routes/progress'),
  makeTranscript: (qualificationId) => request('POST',
    `/api/v1/routes/qualifications/${encodeURIComponent(qualificationId)}/transcript`),
  schedule: () => request('GET', '/api/v1/schedule'),
  cancelEnrolment: (id) => request('DELETE', `/api/v1/enrolments/${encodeURIComponent(id)}`),
  createFeed: () => request('POST', '/api/v1/schedule/feed'),
  revokeFeed: () => request('DELETE', '/api/v1/schedule/feed'),
};
