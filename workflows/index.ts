export { disputeWorkflow } from './dispute.workflow';
export { safetyIndexWorkflow } from './safety-index.workflow';
export { webhookDeliveryWorkflow } from './webhook.workflow';
export { holidayReplanWorkflow } from './holiday-replan.workflow';
export { noticeDeliveryWorkflow } from './notice-delivery.workflow';
