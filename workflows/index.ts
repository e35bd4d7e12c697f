export { disputeWorkflow } from './dispute.workflow';
export { webhookDeliveryWorkflow } from './webhook.workflow';
