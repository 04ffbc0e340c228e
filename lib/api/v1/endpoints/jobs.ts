import 'server-only';
import { ValidationError } from '@/lib/errors';
import { cancelJob, pauseJob, resumeJob, retryJob } from '@/lib/jobs/operations';
import { getJobFilterChoices, getJobView, listJobsPage } from '@/lib/jobs/queries';
import { firstValue } from '@/lib/search-params';
import { jobSearchFields, parseJobSearchParams } from '@/lib/jobs/schemas';
import { toJobSnapshot } from '@/lib/jobs/snapshot';
import { recordMachine, removeMachine } from '@/lib/machines/operations';
import { defineRead, defineWrite, queryParameters, rawParams, type Endpoint } from '@/lib/api/v1/endpoint';
import { jobCancelled, jobPage, jobPaused, jobResumed, jobRetried, jobSnapshot } from '@/lib/api/v1/responses/jobs';
import { machineRecorded } from '@/lib/api/v1/responses/locations';

/** Jobs, and the machines whose presence makes "in use" refusals real. */
export const JOB_ENDPOINTS: Endpoint[] = [
  defineWrite({
    method: 'POST',
    path: '/machines',
    tag: 'Machines',
    summary: 'Record a machine running on a node',
    description:
      'SuperAdmins only. While it is recorded, its image cannot be deleted, detached or made unavailable there.',
    op: recordMachine,
    status: 201,
    response: machineRecorded,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/machines/{machineId}',
    tag: 'Machines',
    summary: 'Forget a machine',
    description: 'SuperAdmins only. Its image is no longer in use on that node because of it.',
    op: removeMachine,
    body: 'none',
    response: machineRecorded,
  }),
  defineRead({
    method: 'GET',
    path: '/jobs',
    tag: 'Jobs',
    summary: 'Jobs the caller may see, newest first, paged and filtered',
    description:
      'A node or image filter counts only for a node or image with a job the caller may see; any value the listing cannot use is refused with 400 naming it.',
    query: queryParameters(jobSearchFields({ nodeIds: [], imageIds: [] }), {
      status: 'Job status',
      kind: 'Job kind',
      nodeId: 'Jobs on this node',
      imageId: 'Jobs of this image',
      page: 'Page number, from 1',
      pageSize: 'Jobs per page',
    }),
    what: 'Jobs',
    response: jobPage,
    load: async (user, { search }) => {
      const raw = rawParams(search);
      const { choices } = await getJobFilterChoices(user, firstValue(raw.imageId));
      const parsed = parseJobSearchParams(raw, choices);
      if (parsed.ignored.length > 0)
        throw new ValidationError(`Unusable query parameters: ${parsed.ignored.join(', ')}.`);
      return listJobsPage(user, { ...parsed.filters, page: parsed.page, pageSize: parsed.pageSize });
    },
  }),
  defineRead({
    method: 'GET',
    path: '/jobs/{jobId}',
    tag: 'Jobs',
    summary: 'One job with progress and its log',
    description: 'What the job page polls: phase, bytes done, attempts, and every log line.',
    what: 'The job',
    response: jobSnapshot,
    load: async (user, { params }) => {
      const view = await getJobView(user, params.jobId!);
      return view && toJobSnapshot(view);
    },
  }),
  defineWrite({
    method: 'POST',
    path: '/jobs/{jobId}/cancel',
    tag: 'Jobs',
    summary: 'Cancel a job',
    description:
      'A queued job is cancelled at once; a running one is asked to stop and does so at a clean boundary within a second, removing its partial file.',
    op: cancelJob,
    body: 'none',
    response: jobCancelled,
  }),
  defineWrite({
    method: 'POST',
    path: '/jobs/{jobId}/pause',
    tag: 'Jobs',
    summary: 'Pause an install',
    description:
      'The install stops at a clean boundary and keeps its partial file on the node; a pause uses up no attempt. Resume continues from the partial file.',
    op: pauseJob,
    body: 'none',
    response: jobPaused,
  }),
  defineWrite({
    method: 'POST',
    path: '/jobs/{jobId}/resume',
    tag: 'Jobs',
    summary: 'Resume a paused job',
    description: 'The job is queued again and continues from the partial file its pause kept.',
    op: resumeJob,
    body: 'none',
    response: jobResumed,
  }),
  defineWrite({
    method: 'POST',
    path: '/jobs/{jobId}/retry',
    tag: 'Jobs',
    summary: 'Retry a failed or cancelled job, as a new job',
    description:
      'The new job is checked as any new one would be (an install still needs the image attached, the node enabled); the old one keeps its history and logs which job retried it.',
    op: retryJob,
    body: 'none',
    status: 202,
    response: jobRetried,
  }),
];
