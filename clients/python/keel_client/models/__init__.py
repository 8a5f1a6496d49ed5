"""Contains all the data models used in inputs/outputs"""

from .ab_variant_request import AbVariantRequest
from .acceptance_criterion import AcceptanceCriterion
from .acceptance_criterion_op_enum import AcceptanceCriterionOpEnum
from .acceptance_criterion_request import AcceptanceCriterionRequest
from .action_enum import ActionEnum
from .alert import Alert
from .alert_rule import AlertRule
from .alert_rule_write_request import AlertRuleWriteRequest
from .alert_status_enum import AlertStatusEnum
from .alerts_list_severity import AlertsListSeverity
from .alerts_list_status import AlertsListStatus
from .alias import Alias
from .alias_event import AliasEvent
from .alias_set_request import AliasSetRequest
from .api_token import ApiToken
from .api_token_create_request import ApiTokenCreateRequest
from .api_token_issued import ApiTokenIssued
from .api_version_enum import ApiVersionEnum
from .apply import Apply
from .approval_decision_request import ApprovalDecisionRequest
from .approval_enum import ApprovalEnum
from .approval_request import ApprovalRequest
from .approval_request_create_request import ApprovalRequestCreateRequest
from .approval_status_enum import ApprovalStatusEnum
from .artifact_format_enum import ArtifactFormatEnum
from .audit_event import AuditEvent
from .capabilities import Capabilities
from .capabilities_reasons import CapabilitiesReasons
from .change import Change
from .change_changes import ChangeChanges
from .change_enum import ChangeEnum
from .change_kind_enum import ChangeKindEnum
from .channel import Channel
from .channel_config_out import ChannelConfigOut
from .channel_create_request import ChannelCreateRequest
from .channel_kind_enum import ChannelKindEnum
from .check import Check
from .check_evidence import CheckEvidence
from .column_change import ColumnChange
from .column_change_changes import ColumnChangeChanges
from .column_kind_enum import ColumnKindEnum
from .column_role_enum import ColumnRoleEnum
from .comparison_op_enum import ComparisonOpEnum
from .config_alert_rule import ConfigAlertRule
from .config_alert_rule_request import ConfigAlertRuleRequest
from .config_channel import ConfigChannel
from .config_channel_config import ConfigChannelConfig
from .config_channel_request import ConfigChannelRequest
from .config_dataset import ConfigDataset
from .config_dataset_request import ConfigDatasetRequest
from .config_dataset_tags import ConfigDatasetTags
from .config_deployment import ConfigDeployment
from .config_deployment_request import ConfigDeploymentRequest
from .config_document import ConfigDocument
from .config_document_request import ConfigDocumentRequest
from .config_drift import ConfigDrift
from .config_drift_options import ConfigDriftOptions
from .config_drift_request import ConfigDriftRequest
from .config_member import ConfigMember
from .config_member_request import ConfigMemberRequest
from .config_policy import ConfigPolicy
from .config_policy_request import ConfigPolicyRequest
from .config_project import ConfigProject
from .config_project_request import ConfigProjectRequest
from .config_retraining_policy import ConfigRetrainingPolicy
from .config_retraining_policy_request import ConfigRetrainingPolicyRequest
from .config_retraining_policy_rollout import ConfigRetrainingPolicyRollout
from .config_retraining_policy_spec import ConfigRetrainingPolicySpec
from .config_rule import ConfigRule
from .config_rule_params import ConfigRuleParams
from .config_rule_request import ConfigRuleRequest
from .config_variant import ConfigVariant
from .config_variant_request import ConfigVariantRequest
from .dataset import Dataset
from .dataset_create_request import DatasetCreateRequest
from .dataset_diff import DatasetDiff
from .dataset_ref import DatasetRef
from .dataset_upload_format_enum import DatasetUploadFormatEnum
from .dataset_upload_request import DatasetUploadRequest
from .dataset_version import DatasetVersion
from .dataset_version_format_enum import DatasetVersionFormatEnum
from .dataset_version_status_enum import DatasetVersionStatusEnum
from .dataset_versions_list_format import DatasetVersionsListFormat
from .dataset_versions_list_status import DatasetVersionsListStatus
from .decision_enum import DecisionEnum
from .deploy_request import DeployRequest
from .deployment import Deployment
from .deployment_create_request import DeploymentCreateRequest
from .deployment_predictions_export_format import DeploymentPredictionsExportFormat
from .document_request_request import DocumentRequestRequest
from .drift_config import DriftConfig
from .drift_config_request import DriftConfigRequest
from .drift_report import DriftReport
from .drift_report_create_request import DriftReportCreateRequest
from .drift_report_status_enum import DriftReportStatusEnum
from .drift_reports_list_status import DriftReportsListStatus
from .engine_enum import EngineEnum
from .erased_export import ErasedExport
from .erasure_receipt import ErasureReceipt
from .erasure_request_request import ErasureRequestRequest
from .evaluation import Evaluation
from .evaluation_metrics import EvaluationMetrics
from .event_types_enum import EventTypesEnum
from .experiment import Experiment
from .experiment_create_request import ExperimentCreateRequest
from .experiment_tags import ExperimentTags
from .export import Export
from .feedback_batch_request import FeedbackBatchRequest
from .feedback_item_request import FeedbackItemRequest
from .feedback_result import FeedbackResult
from .field_change import FieldChange
from .field_error import FieldError
from .frequency import Frequency
from .guardrails_request import GuardrailsRequest
from .health import Health
from .health_check import HealthCheck
from .health_checks import HealthChecks
from .health_enum import HealthEnum
from .json_object import JsonObject
from .key_enum import KeyEnum
from .lifecycle_filter_enum import LifecycleFilterEnum
from .lifecycle_stage_enum import LifecycleStageEnum
from .load_test import LoadTest
from .load_test_request_request import LoadTestRequestRequest
from .load_test_status_enum import LoadTestStatusEnum
from .load_tests_list_status import LoadTestsListStatus
from .member_role_enum import MemberRoleEnum
from .membership import Membership
from .membership_set_request import MembershipSetRequest
from .metric_enum import MetricEnum
from .missing_values_enum import MissingValuesEnum
from .model_card import ModelCard
from .model_card_approval_type_0 import ModelCardApprovalType0
from .model_card_evaluations_item import ModelCardEvaluationsItem
from .model_card_feature_importance_item import ModelCardFeatureImportanceItem
from .model_card_inputs_item import ModelCardInputsItem
from .model_card_lineage import ModelCardLineage
from .model_card_metrics import ModelCardMetrics
from .model_card_output import ModelCardOutput
from .model_card_sections import ModelCardSections
from .model_card_status import ModelCardStatus
from .model_summary import ModelSummary
from .model_version import ModelVersion
from .model_version_evaluate_request import ModelVersionEvaluateRequest
from .model_version_evaluate_result import ModelVersionEvaluateResult
from .model_version_from_run_request import ModelVersionFromRunRequest
from .model_version_upload_format_enum import ModelVersionUploadFormatEnum
from .model_version_upload_request import ModelVersionUploadRequest
from .model_versions_card_format import ModelVersionsCardFormat
from .model_versions_list_approval import ModelVersionsListApproval
from .model_versions_list_health import ModelVersionsListHealth
from .model_versions_list_source import ModelVersionsListSource
from .numeric_summary import NumericSummary
from .paginated_alert_list import PaginatedAlertList
from .paginated_alert_rule_list import PaginatedAlertRuleList
from .paginated_alias_event_list import PaginatedAliasEventList
from .paginated_alias_list import PaginatedAliasList
from .paginated_api_token_list import PaginatedApiTokenList
from .paginated_approval_request_list import PaginatedApprovalRequestList
from .paginated_audit_event_list import PaginatedAuditEventList
from .paginated_channel_list import PaginatedChannelList
from .paginated_check_list import PaginatedCheckList
from .paginated_dataset_list import PaginatedDatasetList
from .paginated_dataset_version_list import PaginatedDatasetVersionList
from .paginated_deployment_list import PaginatedDeploymentList
from .paginated_drift_report_list import PaginatedDriftReportList
from .paginated_experiment_list import PaginatedExperimentList
from .paginated_load_test_list import PaginatedLoadTestList
from .paginated_membership_list import PaginatedMembershipList
from .paginated_model_version_list import PaginatedModelVersionList
from .paginated_prediction_export_list import PaginatedPredictionExportList
from .paginated_prediction_log_list import PaginatedPredictionLogList
from .paginated_project_list import PaginatedProjectList
from .paginated_registered_model_list import PaginatedRegisteredModelList
from .paginated_retraining_policy_list import PaginatedRetrainingPolicyList
from .paginated_retraining_run_list import PaginatedRetrainingRunList
from .paginated_revision_list import PaginatedRevisionList
from .paginated_run_artifact_list import PaginatedRunArtifactList
from .paginated_run_input_list import PaginatedRunInputList
from .paginated_run_list import PaginatedRunList
from .paginated_run_metric_point_list import PaginatedRunMetricPointList
from .paginated_schema_column_list import PaginatedSchemaColumnList
from .paginated_service_account_list import PaginatedServiceAccountList
from .paginated_training_job_list import PaginatedTrainingJobList
from .paginated_validation_report_list import PaginatedValidationReportList
from .paginated_validation_rule_list import PaginatedValidationRuleList
from .paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from .paginated_webhook_list import PaginatedWebhookList
from .parity import Parity
from .patched_dataset_update_request import PatchedDatasetUpdateRequest
from .patched_deployment_update_request import PatchedDeploymentUpdateRequest
from .patched_experiment_update_request import PatchedExperimentUpdateRequest
from .patched_membership_role_request import PatchedMembershipRoleRequest
from .patched_model_card_sections_request import PatchedModelCardSectionsRequest
from .patched_model_version_update_request import PatchedModelVersionUpdateRequest
from .patched_project_update_request import PatchedProjectUpdateRequest
from .patched_registered_model_update_request import PatchedRegisteredModelUpdateRequest
from .patched_roles_update_request import PatchedRolesUpdateRequest
from .patched_run_update_request import PatchedRunUpdateRequest
from .patched_validation_rule_update_request import PatchedValidationRuleUpdateRequest
from .patched_webhook_update_request import PatchedWebhookUpdateRequest
from .plan import Plan
from .policy import Policy
from .policy_request import PolicyRequest
from .predict_request import PredictRequest
from .predict_response import PredictResponse
from .predict_response_explanations_item import PredictResponseExplanationsItem
from .prediction_export import PredictionExport
from .prediction_log import PredictionLog
from .prediction_log_policy import PredictionLogPolicy
from .prediction_log_policy_request import PredictionLogPolicyRequest
from .preview import Preview
from .preview_rows_item import PreviewRowsItem
from .problem import Problem
from .profile import Profile
from .profile_column import ProfileColumn
from .profile_column_quantiles import ProfileColumnQuantiles
from .profile_status_enum import ProfileStatusEnum
from .progress import Progress
from .project import Project
from .project_create_request import ProjectCreateRequest
from .projects_list_task_type import ProjectsListTaskType
from .promote_request import PromoteRequest
from .readiness import Readiness
from .readiness_item import ReadinessItem
from .readiness_item_evidence import ReadinessItemEvidence
from .ready import Ready
from .registered_model import RegisteredModel
from .registered_model_aliases import RegisteredModelAliases
from .registered_model_create_request import RegisteredModelCreateRequest
from .registered_model_validation_gate import RegisteredModelValidationGate
from .retraining_policy import RetrainingPolicy
from .retraining_policy_write_request import RetrainingPolicyWriteRequest
from .retraining_run import RetrainingRun
from .retraining_run_status_enum import RetrainingRunStatusEnum
from .retraining_runs_list_status import RetrainingRunsListStatus
from .revision import Revision
from .role_enum import RoleEnum
from .rollback_request import RollbackRequest
from .row_count_change import RowCountChange
from .rule_kind_enum import RuleKindEnum
from .rule_result import RuleResult
from .rule_result_params import RuleResultParams
from .rules_generate_request import RulesGenerateRequest
from .run import Run
from .run_artifact import RunArtifact
from .run_artifact_upload_request import RunArtifactUploadRequest
from .run_compare import RunCompare
from .run_compare_metric import RunCompareMetric
from .run_compare_metric_run import RunCompareMetricRun
from .run_compare_param import RunCompareParam
from .run_compare_param_values import RunCompareParamValues
from .run_compare_run import RunCompareRun
from .run_create_request import RunCreateRequest
from .run_detail import RunDetail
from .run_detail_metrics import RunDetailMetrics
from .run_detail_params import RunDetailParams
from .run_detail_tags import RunDetailTags
from .run_input import RunInput
from .run_input_create_request import RunInputCreateRequest
from .run_input_role_enum import RunInputRoleEnum
from .run_log_batch_request import RunLogBatchRequest
from .run_metric_item_request import RunMetricItemRequest
from .run_metric_item_request_value_type_1 import RunMetricItemRequestValueType1
from .run_metric_point import RunMetricPoint
from .run_metric_summary import RunMetricSummary
from .run_metrics import RunMetrics
from .run_param_item_request import RunParamItemRequest
from .run_params import RunParams
from .run_search_page import RunSearchPage
from .run_search_request import RunSearchRequest
from .run_source_enum import RunSourceEnum
from .run_status_enum import RunStatusEnum
from .run_status_request import RunStatusRequest
from .run_tag import RunTag
from .run_tag_item_request import RunTagItemRequest
from .run_tag_request import RunTagRequest
from .run_tags import RunTags
from .scenario_enum import ScenarioEnum
from .schema_change import SchemaChange
from .schema_column import SchemaColumn
from .secret_fingerprint import SecretFingerprint
from .service_account import ServiceAccount
from .service_account_create_request import ServiceAccountCreateRequest
from .service_account_created import ServiceAccountCreated
from .service_account_token_create_request import ServiceAccountTokenCreateRequest
from .severity_enum import SeverityEnum
from .simulate_request import SimulateRequest
from .source_enum import SourceEnum
from .stat_change import StatChange
from .strategy_enum import StrategyEnum
from .target_enum import TargetEnum
from .task_type_enum import TaskTypeEnum
from .training_job import TrainingJob
from .training_job_status_enum import TrainingJobStatusEnum
from .training_job_submit_request import TrainingJobSubmitRequest
from .training_jobs_list_status import TrainingJobsListStatus
from .trigger_enum import TriggerEnum
from .unknown_features_enum import UnknownFeaturesEnum
from .validation_gate_request import ValidationGateRequest
from .validation_report import ValidationReport
from .validation_rule import ValidationRule
from .validation_rule_create_request import ValidationRuleCreateRequest
from .variant import Variant
from .variant_readiness import VariantReadiness
from .variant_role_enum import VariantRoleEnum
from .webhook import Webhook
from .webhook_create_request import WebhookCreateRequest
from .webhook_created import WebhookCreated
from .webhook_deliveries_list_status import WebhookDeliveriesListStatus
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_status_enum import WebhookDeliveryStatusEnum

__all__ = (
    "AbVariantRequest",
    "AcceptanceCriterion",
    "AcceptanceCriterionOpEnum",
    "AcceptanceCriterionRequest",
    "ActionEnum",
    "Alert",
    "AlertRule",
    "AlertRuleWriteRequest",
    "AlertsListSeverity",
    "AlertsListStatus",
    "AlertStatusEnum",
    "Alias",
    "AliasEvent",
    "AliasSetRequest",
    "ApiToken",
    "ApiTokenCreateRequest",
    "ApiTokenIssued",
    "ApiVersionEnum",
    "Apply",
    "ApprovalDecisionRequest",
    "ApprovalEnum",
    "ApprovalRequest",
    "ApprovalRequestCreateRequest",
    "ApprovalStatusEnum",
    "ArtifactFormatEnum",
    "AuditEvent",
    "Capabilities",
    "CapabilitiesReasons",
    "Change",
    "ChangeChanges",
    "ChangeEnum",
    "ChangeKindEnum",
    "Channel",
    "ChannelConfigOut",
    "ChannelCreateRequest",
    "ChannelKindEnum",
    "Check",
    "CheckEvidence",
    "ColumnChange",
    "ColumnChangeChanges",
    "ColumnKindEnum",
    "ColumnRoleEnum",
    "ComparisonOpEnum",
    "ConfigAlertRule",
    "ConfigAlertRuleRequest",
    "ConfigChannel",
    "ConfigChannelConfig",
    "ConfigChannelRequest",
    "ConfigDataset",
    "ConfigDatasetRequest",
    "ConfigDatasetTags",
    "ConfigDeployment",
    "ConfigDeploymentRequest",
    "ConfigDocument",
    "ConfigDocumentRequest",
    "ConfigDrift",
    "ConfigDriftOptions",
    "ConfigDriftRequest",
    "ConfigMember",
    "ConfigMemberRequest",
    "ConfigPolicy",
    "ConfigPolicyRequest",
    "ConfigProject",
    "ConfigProjectRequest",
    "ConfigRetrainingPolicy",
    "ConfigRetrainingPolicyRequest",
    "ConfigRetrainingPolicyRollout",
    "ConfigRetrainingPolicySpec",
    "ConfigRule",
    "ConfigRuleParams",
    "ConfigRuleRequest",
    "ConfigVariant",
    "ConfigVariantRequest",
    "Dataset",
    "DatasetCreateRequest",
    "DatasetDiff",
    "DatasetRef",
    "DatasetUploadFormatEnum",
    "DatasetUploadRequest",
    "DatasetVersion",
    "DatasetVersionFormatEnum",
    "DatasetVersionsListFormat",
    "DatasetVersionsListStatus",
    "DatasetVersionStatusEnum",
    "DecisionEnum",
    "Deployment",
    "DeploymentCreateRequest",
    "DeploymentPredictionsExportFormat",
    "DeployRequest",
    "DocumentRequestRequest",
    "DriftConfig",
    "DriftConfigRequest",
    "DriftReport",
    "DriftReportCreateRequest",
    "DriftReportsListStatus",
    "DriftReportStatusEnum",
    "EngineEnum",
    "ErasedExport",
    "ErasureReceipt",
    "ErasureRequestRequest",
    "Evaluation",
    "EvaluationMetrics",
    "EventTypesEnum",
    "Experiment",
    "ExperimentCreateRequest",
    "ExperimentTags",
    "Export",
    "FeedbackBatchRequest",
    "FeedbackItemRequest",
    "FeedbackResult",
    "FieldChange",
    "FieldError",
    "Frequency",
    "GuardrailsRequest",
    "Health",
    "HealthCheck",
    "HealthChecks",
    "HealthEnum",
    "JsonObject",
    "KeyEnum",
    "LifecycleFilterEnum",
    "LifecycleStageEnum",
    "LoadTest",
    "LoadTestRequestRequest",
    "LoadTestsListStatus",
    "LoadTestStatusEnum",
    "MemberRoleEnum",
    "Membership",
    "MembershipSetRequest",
    "MetricEnum",
    "MissingValuesEnum",
    "ModelCard",
    "ModelCardApprovalType0",
    "ModelCardEvaluationsItem",
    "ModelCardFeatureImportanceItem",
    "ModelCardInputsItem",
    "ModelCardLineage",
    "ModelCardMetrics",
    "ModelCardOutput",
    "ModelCardSections",
    "ModelCardStatus",
    "ModelSummary",
    "ModelVersion",
    "ModelVersionEvaluateRequest",
    "ModelVersionEvaluateResult",
    "ModelVersionFromRunRequest",
    "ModelVersionsCardFormat",
    "ModelVersionsListApproval",
    "ModelVersionsListHealth",
    "ModelVersionsListSource",
    "ModelVersionUploadFormatEnum",
    "ModelVersionUploadRequest",
    "NumericSummary",
    "PaginatedAlertList",
    "PaginatedAlertRuleList",
    "PaginatedAliasEventList",
    "PaginatedAliasList",
    "PaginatedApiTokenList",
    "PaginatedApprovalRequestList",
    "PaginatedAuditEventList",
    "PaginatedChannelList",
    "PaginatedCheckList",
    "PaginatedDatasetList",
    "PaginatedDatasetVersionList",
    "PaginatedDeploymentList",
    "PaginatedDriftReportList",
    "PaginatedExperimentList",
    "PaginatedLoadTestList",
    "PaginatedMembershipList",
    "PaginatedModelVersionList",
    "PaginatedPredictionExportList",
    "PaginatedPredictionLogList",
    "PaginatedProjectList",
    "PaginatedRegisteredModelList",
    "PaginatedRetrainingPolicyList",
    "PaginatedRetrainingRunList",
    "PaginatedRevisionList",
    "PaginatedRunArtifactList",
    "PaginatedRunInputList",
    "PaginatedRunList",
    "PaginatedRunMetricPointList",
    "PaginatedSchemaColumnList",
    "PaginatedServiceAccountList",
    "PaginatedTrainingJobList",
    "PaginatedValidationReportList",
    "PaginatedValidationRuleList",
    "PaginatedWebhookDeliveryList",
    "PaginatedWebhookList",
    "Parity",
    "PatchedDatasetUpdateRequest",
    "PatchedDeploymentUpdateRequest",
    "PatchedExperimentUpdateRequest",
    "PatchedMembershipRoleRequest",
    "PatchedModelCardSectionsRequest",
    "PatchedModelVersionUpdateRequest",
    "PatchedProjectUpdateRequest",
    "PatchedRegisteredModelUpdateRequest",
    "PatchedRolesUpdateRequest",
    "PatchedRunUpdateRequest",
    "PatchedValidationRuleUpdateRequest",
    "PatchedWebhookUpdateRequest",
    "Plan",
    "Policy",
    "PolicyRequest",
    "PredictionExport",
    "PredictionLog",
    "PredictionLogPolicy",
    "PredictionLogPolicyRequest",
    "PredictRequest",
    "PredictResponse",
    "PredictResponseExplanationsItem",
    "Preview",
    "PreviewRowsItem",
    "Problem",
    "Profile",
    "ProfileColumn",
    "ProfileColumnQuantiles",
    "ProfileStatusEnum",
    "Progress",
    "Project",
    "ProjectCreateRequest",
    "ProjectsListTaskType",
    "PromoteRequest",
    "Readiness",
    "ReadinessItem",
    "ReadinessItemEvidence",
    "Ready",
    "RegisteredModel",
    "RegisteredModelAliases",
    "RegisteredModelCreateRequest",
    "RegisteredModelValidationGate",
    "RetrainingPolicy",
    "RetrainingPolicyWriteRequest",
    "RetrainingRun",
    "RetrainingRunsListStatus",
    "RetrainingRunStatusEnum",
    "Revision",
    "RoleEnum",
    "RollbackRequest",
    "RowCountChange",
    "RuleKindEnum",
    "RuleResult",
    "RuleResultParams",
    "RulesGenerateRequest",
    "Run",
    "RunArtifact",
    "RunArtifactUploadRequest",
    "RunCompare",
    "RunCompareMetric",
    "RunCompareMetricRun",
    "RunCompareParam",
    "RunCompareParamValues",
    "RunCompareRun",
    "RunCreateRequest",
    "RunDetail",
    "RunDetailMetrics",
    "RunDetailParams",
    "RunDetailTags",
    "RunInput",
    "RunInputCreateRequest",
    "RunInputRoleEnum",
    "RunLogBatchRequest",
    "RunMetricItemRequest",
    "RunMetricItemRequestValueType1",
    "RunMetricPoint",
    "RunMetrics",
    "RunMetricSummary",
    "RunParamItemRequest",
    "RunParams",
    "RunSearchPage",
    "RunSearchRequest",
    "RunSourceEnum",
    "RunStatusEnum",
    "RunStatusRequest",
    "RunTag",
    "RunTagItemRequest",
    "RunTagRequest",
    "RunTags",
    "ScenarioEnum",
    "SchemaChange",
    "SchemaColumn",
    "SecretFingerprint",
    "ServiceAccount",
    "ServiceAccountCreated",
    "ServiceAccountCreateRequest",
    "ServiceAccountTokenCreateRequest",
    "SeverityEnum",
    "SimulateRequest",
    "SourceEnum",
    "StatChange",
    "StrategyEnum",
    "TargetEnum",
    "TaskTypeEnum",
    "TrainingJob",
    "TrainingJobsListStatus",
    "TrainingJobStatusEnum",
    "TrainingJobSubmitRequest",
    "TriggerEnum",
    "UnknownFeaturesEnum",
    "ValidationGateRequest",
    "ValidationReport",
    "ValidationRule",
    "ValidationRuleCreateRequest",
    "Variant",
    "VariantReadiness",
    "VariantRoleEnum",
    "Webhook",
    "WebhookCreated",
    "WebhookCreateRequest",
    "WebhookDeliveriesListStatus",
    "WebhookDelivery",
    "WebhookDeliveryStatusEnum",
)
