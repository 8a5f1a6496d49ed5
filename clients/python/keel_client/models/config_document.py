from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_version_enum import ApiVersionEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_alert_rule import ConfigAlertRule
    from ..models.config_channel import ConfigChannel
    from ..models.config_dataset import ConfigDataset
    from ..models.config_deployment import ConfigDeployment
    from ..models.config_drift import ConfigDrift
    from ..models.config_member import ConfigMember
    from ..models.config_project import ConfigProject
    from ..models.config_retraining_policy import ConfigRetrainingPolicy


T = TypeVar("T", bound="ConfigDocument")


@_attrs_define
class ConfigDocument:
    """The whole document. A kind whose key is absent is unmanaged: its objects are neither compared nor deleted.

    Attributes:
        api_version (ApiVersionEnum): * `keel/v1` - keel/v1
        project (ConfigProject):
        members (list[ConfigMember] | Unset):
        datasets (list[ConfigDataset] | Unset):
        channels (list[ConfigChannel] | Unset):
        deployments (list[ConfigDeployment] | Unset):
        drift (list[ConfigDrift] | Unset):
        alert_rules (list[ConfigAlertRule] | Unset):
        retraining_policies (list[ConfigRetrainingPolicy] | Unset):
    """

    api_version: ApiVersionEnum
    project: ConfigProject
    members: list[ConfigMember] | Unset = UNSET
    datasets: list[ConfigDataset] | Unset = UNSET
    channels: list[ConfigChannel] | Unset = UNSET
    deployments: list[ConfigDeployment] | Unset = UNSET
    drift: list[ConfigDrift] | Unset = UNSET
    alert_rules: list[ConfigAlertRule] | Unset = UNSET
    retraining_policies: list[ConfigRetrainingPolicy] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_version = self.api_version.value

        project = self.project.to_dict()

        members: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.members, Unset):
            members = []
            for members_item_data in self.members:
                members_item = members_item_data.to_dict()
                members.append(members_item)

        datasets: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.datasets, Unset):
            datasets = []
            for datasets_item_data in self.datasets:
                datasets_item = datasets_item_data.to_dict()
                datasets.append(datasets_item)

        channels: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = []
            for channels_item_data in self.channels:
                channels_item = channels_item_data.to_dict()
                channels.append(channels_item)

        deployments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.deployments, Unset):
            deployments = []
            for deployments_item_data in self.deployments:
                deployments_item = deployments_item_data.to_dict()
                deployments.append(deployments_item)

        drift: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.drift, Unset):
            drift = []
            for drift_item_data in self.drift:
                drift_item = drift_item_data.to_dict()
                drift.append(drift_item)

        alert_rules: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.alert_rules, Unset):
            alert_rules = []
            for alert_rules_item_data in self.alert_rules:
                alert_rules_item = alert_rules_item_data.to_dict()
                alert_rules.append(alert_rules_item)

        retraining_policies: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.retraining_policies, Unset):
            retraining_policies = []
            for retraining_policies_item_data in self.retraining_policies:
                retraining_policies_item = retraining_policies_item_data.to_dict()
                retraining_policies.append(retraining_policies_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "apiVersion": api_version,
                "project": project,
            }
        )
        if members is not UNSET:
            field_dict["members"] = members
        if datasets is not UNSET:
            field_dict["datasets"] = datasets
        if channels is not UNSET:
            field_dict["channels"] = channels
        if deployments is not UNSET:
            field_dict["deployments"] = deployments
        if drift is not UNSET:
            field_dict["drift"] = drift
        if alert_rules is not UNSET:
            field_dict["alert_rules"] = alert_rules
        if retraining_policies is not UNSET:
            field_dict["retraining_policies"] = retraining_policies

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_alert_rule import ConfigAlertRule  # noqa: PLC0415
        from ..models.config_channel import ConfigChannel  # noqa: PLC0415
        from ..models.config_dataset import ConfigDataset  # noqa: PLC0415
        from ..models.config_deployment import ConfigDeployment  # noqa: PLC0415
        from ..models.config_drift import ConfigDrift  # noqa: PLC0415
        from ..models.config_member import ConfigMember  # noqa: PLC0415
        from ..models.config_project import ConfigProject  # noqa: PLC0415
        from ..models.config_retraining_policy import ConfigRetrainingPolicy  # noqa: PLC0415

        d = dict(src_dict)
        api_version = ApiVersionEnum(d.pop("apiVersion"))

        project = ConfigProject.from_dict(d.pop("project"))

        _members = d.pop("members", UNSET)
        members: list[ConfigMember] | Unset = UNSET
        if _members is not UNSET:
            members = []
            for members_item_data in _members:
                members_item = ConfigMember.from_dict(members_item_data)

                members.append(members_item)

        _datasets = d.pop("datasets", UNSET)
        datasets: list[ConfigDataset] | Unset = UNSET
        if _datasets is not UNSET:
            datasets = []
            for datasets_item_data in _datasets:
                datasets_item = ConfigDataset.from_dict(datasets_item_data)

                datasets.append(datasets_item)

        _channels = d.pop("channels", UNSET)
        channels: list[ConfigChannel] | Unset = UNSET
        if _channels is not UNSET:
            channels = []
            for channels_item_data in _channels:
                channels_item = ConfigChannel.from_dict(channels_item_data)

                channels.append(channels_item)

        _deployments = d.pop("deployments", UNSET)
        deployments: list[ConfigDeployment] | Unset = UNSET
        if _deployments is not UNSET:
            deployments = []
            for deployments_item_data in _deployments:
                deployments_item = ConfigDeployment.from_dict(deployments_item_data)

                deployments.append(deployments_item)

        _drift = d.pop("drift", UNSET)
        drift: list[ConfigDrift] | Unset = UNSET
        if _drift is not UNSET:
            drift = []
            for drift_item_data in _drift:
                drift_item = ConfigDrift.from_dict(drift_item_data)

                drift.append(drift_item)

        _alert_rules = d.pop("alert_rules", UNSET)
        alert_rules: list[ConfigAlertRule] | Unset = UNSET
        if _alert_rules is not UNSET:
            alert_rules = []
            for alert_rules_item_data in _alert_rules:
                alert_rules_item = ConfigAlertRule.from_dict(alert_rules_item_data)

                alert_rules.append(alert_rules_item)

        _retraining_policies = d.pop("retraining_policies", UNSET)
        retraining_policies: list[ConfigRetrainingPolicy] | Unset = UNSET
        if _retraining_policies is not UNSET:
            retraining_policies = []
            for retraining_policies_item_data in _retraining_policies:
                retraining_policies_item = ConfigRetrainingPolicy.from_dict(retraining_policies_item_data)

                retraining_policies.append(retraining_policies_item)

        config_document = cls(
            api_version=api_version,
            project=project,
            members=members,
            datasets=datasets,
            channels=channels,
            deployments=deployments,
            drift=drift,
            alert_rules=alert_rules,
            retraining_policies=retraining_policies,
        )

        config_document.additional_properties = d
        return config_document

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
