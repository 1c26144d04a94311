//! `.Release` and `.Capabilities` (pkg/chart/common/util/values.go `ToRenderValues`,
//! pkg/chart/common/capabilities.go).

use std::rc::Rc;

use gotemplate::{Map, Object, Value};

use crate::plan::HelmVersion;

/// pkg/chart/common/values.go `ReleaseOptions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl ReleaseOptions {
    /// `helm template` / first install: revision 1, IsInstall.
    pub fn install(name: &str, namespace: &str) -> ReleaseOptions {
        ReleaseOptions {
            name: name.to_string(),
            namespace: namespace.to_string(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        }
    }

    /// `helm template --is-upgrade`: IsUpgrade, not IsInstall, revision still 1.
    pub fn upgrade(name: &str, namespace: &str) -> ReleaseOptions {
        ReleaseOptions {
            is_install: false,
            is_upgrade: true,
            ..ReleaseOptions::install(name, namespace)
        }
    }

    /// `.Release`: a plain map in Helm (Revision is a Go int).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Name".into(), Value::from(self.name.as_str()));
        m.insert("Namespace".into(), Value::from(self.namespace.as_str()));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("IsInstall".into(), Value::Bool(self.is_install));
        m.insert("Revision".into(), Value::Int(self.revision));
        m.insert("Service".into(), Value::from("Helm"));
        Value::map(m)
    }
}

/// `.Capabilities.KubeVersion`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeVersion {
    /// Full version, e.g. `v1.33.4-gke.1245000` (also `GitVersion`).
    pub version: String,
    /// Normalised for constraint checks (`v1.33.4`); what `String()` prints in Helm 4.
    pub normalized: String,
    pub major: String,
    pub minor: String,
    helm: HelmVersion,
}

impl KubeVersion {
    fn new(version: &str, normalized: &str, major: u64, minor: u64, helm: HelmVersion) -> Self {
        KubeVersion {
            version: version.to_string(),
            normalized: normalized.to_string(),
            major: major.to_string(),
            minor: minor.to_string(),
            helm,
        }
    }

    /// Helm's default for `helm template`: v1.35.0 (Helm 4.1), v1.32.0 (Helm 3.17).
    pub fn default_for(helm: HelmVersion) -> KubeVersion {
        match helm {
            HelmVersion::V4 => KubeVersion::new("v1.35.0", "v1.35.0", 1, 35, helm),
            HelmVersion::V3 => KubeVersion::new("v1.32.0", "v1.32.0", 1, 32, helm),
        }
    }

    /// `--kube-version`: Helm 4 parses with k8s.io/apimachinery `ParseGeneric`
    /// (pkg/chart/common/capabilities.go `ParseKubeVersion`), Helm 3 with Masterminds semver.
    /// The error is the text after `invalid kube version 'V': `.
    pub fn parse(version: &str, helm: HelmVersion) -> Result<KubeVersion, String> {
        match helm {
            HelmVersion::V3 => {
                let v = super::semver::Version::parse(version)
                    .map_err(|_| "Invalid Semantic Version".to_string())?;
                let mut s = format!("v{}.{}.{}", v.major, v.minor, v.patch);
                if !v.pre.is_empty() {
                    s.push('-');
                    s.push_str(&v.pre);
                }
                if !v.metadata.is_empty() {
                    s.push('+');
                    s.push_str(&v.metadata);
                }
                Ok(KubeVersion::new(&s, &s, v.major, v.minor, helm))
            }
            HelmVersion::V4 => {
                let trimmed = version.trim_start();
                let body = trimmed.strip_prefix('v').unwrap_or(trimmed);
                let end = body
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(body.len());
                let mut nums = &body[..end];
                // The numeric part is digits separated by single dots.
                while nums.ends_with('.') {
                    nums = &nums[..nums.len() - 1];
                }
                if nums.is_empty() || nums.split('.').any(str::is_empty) {
                    return Err(format!(
                        "could not parse {} as version",
                        crate::values::strvals::go_quote(version)
                    ));
                }
                let parts: Vec<&str> = nums.split('.').collect();
                if parts.len() < 2 {
                    return Err(format!(
                        "illegal version string {}",
                        crate::values::strvals::go_quote(version)
                    ));
                }
                let mut comps = Vec::new();
                for p in &parts {
                    if p.len() > 1 && p.starts_with('0') {
                        return Err(format!(
                            "illegal zero-prefixed version component {} in {}",
                            crate::values::strvals::go_quote(p),
                            crate::values::strvals::go_quote(version)
                        ));
                    }
                    let n: u64 = p.parse().map_err(|_| {
                        format!(
                            "illegal version component {} in {}",
                            crate::values::strvals::go_quote(p),
                            crate::values::strvals::go_quote(version)
                        )
                    })?;
                    comps.push(n);
                }
                let git = if version.starts_with('v') {
                    version.to_string()
                } else {
                    format!("v{version}")
                };
                let normalized = format!(
                    "v{}",
                    comps
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(".")
                );
                Ok(KubeVersion::new(
                    &git,
                    &normalized,
                    comps[0],
                    comps[1],
                    helm,
                ))
            }
        }
    }

    /// The version used for `kubeVersion` constraint checks (`KubeVersion.String()`).
    pub fn normalized(&self) -> String {
        match self.helm {
            HelmVersion::V4 => self.normalized.clone(),
            HelmVersion::V3 => self.version.clone(),
        }
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" => Some(Value::from(self.version.as_str())),
            "Major" => Some(Value::from(self.major.as_str())),
            "Minor" => Some(Value::from(self.minor.as_str())),
            "String" => Some(Value::from(self.normalized())),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "String" | "GitVersion")
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        self.field(name)
            .ok_or_else(|| format!("can't evaluate field {name} in type common.KubeVersion"))
    }
    fn display(&self) -> String {
        self.normalized()
    }
    fn to_data(&self) -> Value {
        let mut m = Map::new();
        m.insert("Version".into(), Value::from(self.version.as_str()));
        m.insert("Major".into(), Value::from(self.major.as_str()));
        m.insert("Minor".into(), Value::from(self.minor.as_str()));
        Value::map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities.APIVersions` (`VersionSet`, a `[]string` with `Has`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionSet(pub Vec<String>);

impl VersionSet {
    pub fn has(&self, v: &str) -> bool {
        self.0.iter().any(|x| x == v)
    }
}

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn kind_name(&self) -> &'static str {
        "slice"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match (name, args) {
            ("Has", [Value::String(s)]) => Ok(Value::Bool(self.has(s))),
            ("Has", [other]) => Err(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            )),
            ("Has", _) => Err(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            )),
            _ => Err(format!(
                "can't evaluate field {name} in type common.VersionSet"
            )),
        }
    }
    fn display(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn is_true(&self) -> bool {
        !self.0.is_empty()
    }
    fn to_data(&self) -> Value {
        Value::list(self.0.iter().map(|s| Value::from(s.as_str())).collect())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities.HelmVersion` (internal/version `BuildInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildInfo {
    pub version: String,
    pub git_commit: String,
    pub git_tree_state: String,
    pub go_version: String,
    /// Helm 4 only.
    pub kube_client_version: Option<String>,
}

impl BuildInfo {
    /// What the reference binaries report.
    pub fn default_for(helm: HelmVersion) -> BuildInfo {
        match helm {
            HelmVersion::V4 => BuildInfo {
                version: "v4.1.4".into(),
                git_commit: "05fa37973dc9e42b76e1d2883494c87174b6074f".into(),
                git_tree_state: "clean".into(),
                go_version: "go1.25.9".into(),
                kube_client_version: Some("v1.35".into()),
            },
            HelmVersion::V3 => BuildInfo {
                version: "v3.17.3".into(),
                git_commit: "e4da49785aa6e6ee2b86efd5dd9e43400318262b".into(),
                git_tree_state: "clean".into(),
                go_version: "go1.23.7".into(),
                kube_client_version: None,
            },
        }
    }
}

impl Object for BuildInfo {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::from(match name {
            "Version" => self.version.as_str(),
            "GitCommit" => self.git_commit.as_str(),
            "GitTreeState" => self.git_tree_state.as_str(),
            "GoVersion" => self.go_version.as_str(),
            "KubeClientVersion" => self.kube_client_version.as_deref()?,
            _ => return None,
        }))
    }
    fn display(&self) -> String {
        let mut parts = vec![
            self.version.as_str(),
            self.git_commit.as_str(),
            self.git_tree_state.as_str(),
            self.go_version.as_str(),
        ];
        if let Some(k) = &self.kube_client_version {
            parts.push(k);
        }
        format!("{{{}}}", parts.join(" "))
    }
    fn to_data(&self) -> Value {
        let mut m = Map::new();
        m.insert("version".into(), Value::from(self.version.as_str()));
        m.insert("git_commit".into(), Value::from(self.git_commit.as_str()));
        m.insert(
            "git_tree_state".into(),
            Value::from(self.git_tree_state.as_str()),
        );
        m.insert("go_version".into(), Value::from(self.go_version.as_str()));
        if let Some(k) = &self.kube_client_version {
            m.insert("kube_client_version".into(), Value::from(k.as_str()));
        }
        Value::map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities` as templates see it: the sub-objects built once (charts query
/// `.Capabilities.APIVersions.Has` many times).
pub(crate) struct CapabilitiesValue {
    caps: Capabilities,
    kube: Value,
    apis: Value,
    helm: Value,
}

impl CapabilitiesValue {
    pub(crate) fn new(caps: &Capabilities) -> CapabilitiesValue {
        CapabilitiesValue {
            caps: caps.clone(),
            kube: Value::Object(Rc::new(caps.kube_version.clone())),
            apis: Value::Object(Rc::new(caps.api_versions.clone())),
            helm: Value::Object(Rc::new(caps.helm_version.clone())),
        }
    }
}

impl Object for CapabilitiesValue {
    fn type_name(&self) -> &str {
        self.caps.type_name()
    }
    fn kind_name(&self) -> &'static str {
        self.caps.kind_name()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(self.kube.clone()),
            "APIVersions" => Some(self.apis.clone()),
            "HelmVersion" => Some(self.helm.clone()),
            _ => None,
        }
    }
    fn display(&self) -> String {
        self.caps.display()
    }
    fn to_data(&self) -> Value {
        self.caps.to_data()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: VersionSet,
    pub helm_version: BuildInfo,
}

impl Capabilities {
    /// `helm template`'s capabilities: the default kube version and the API versions the
    /// real binaries list.
    pub fn default_for(helm: HelmVersion) -> Capabilities {
        let list = match helm {
            HelmVersion::V4 => DEFAULT_API_VERSIONS_V4,
            HelmVersion::V3 => DEFAULT_API_VERSIONS_V3,
        };
        Capabilities {
            kube_version: KubeVersion::default_for(helm),
            api_versions: VersionSet(list.iter().map(|s| s.to_string()).collect()),
            helm_version: BuildInfo::default_for(helm),
        }
    }

    /// `--api-versions`: appended to the defaults.
    pub fn add_api_versions<I: IntoIterator<Item = String>>(&mut self, extra: I) {
        self.api_versions.0.extend(extra);
    }

    /// `--api-versions` flag values as given on the command line: each may hold a comma list
    /// (pflag `StringSlice`), appended in order (pkg/cmd/template.go).
    pub fn add_api_versions_flags(&mut self, flags: &[String]) {
        for f in flags {
            self.api_versions
                .0
                .extend(f.split(',').filter(|s| !s.is_empty()).map(str::to_string));
        }
    }

    /// `--kube-version V` (pkg/cmd/template.go): error text as `helm template` prints it.
    pub fn set_kube_version_flag(&mut self, v: &str, helm: HelmVersion) -> Result<(), String> {
        self.kube_version =
            KubeVersion::parse(v, helm).map_err(|e| format!("invalid kube version '{v}': {e}"))?;
        Ok(())
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn kind_name(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(Rc::new(self.kube_version.clone()))),
            "APIVersions" => Some(Value::Object(Rc::new(self.api_versions.clone()))),
            "HelmVersion" => Some(Value::Object(Rc::new(self.helm_version.clone()))),
            _ => None,
        }
    }
    fn display(&self) -> String {
        format!(
            "&{{{{{} {} {} {}}} {} {}}}",
            self.kube_version.version,
            self.kube_version.normalized,
            self.kube_version.major,
            self.kube_version.minor,
            self.api_versions.display(),
            self.helm_version.display()
        )
    }
    fn to_data(&self) -> Value {
        let mut m = Map::new();
        m.insert("KubeVersion".into(), self.kube_version.to_data());
        m.insert("APIVersions".into(), self.api_versions.to_data());
        m.insert("HelmVersion".into(), self.helm_version.to_data());
        Value::map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

// Captured from `{{ range .Capabilities.APIVersions }}` with the real helm v4.1.4 (`helm template`).
pub const DEFAULT_API_VERSIONS_V4: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

// Captured the same way with the real helm v3.17.3.
pub const DEFAULT_API_VERSIONS_V3: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];
