package main

import data.allowed

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Containers must not run as root in Deployment %s", [input.metadata.name])
}

violation contains {"msg": msg, "severity": "high", "id": "K8S-002"} if {
	input.kind == "Deployment"
	not allowed.images[input.spec.template.spec.containers[0].image]
	msg := sprintf("image %s is not allowed", [input.spec.template.spec.containers[0].image])
}

deny_privileged contains "privileged containers are not allowed" if {
	input.spec.template.spec.containers[_].securityContext.privileged
}

warn contains msg if {
	input.kind == "Service"
	msg := sprintf("50%% of services, like %s:\nare discouraged", [input.metadata.name])
}
