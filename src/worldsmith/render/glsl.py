"""GLSL 3.30 sources of the ``gl`` backend (see :mod:`.gl` for the passes they serve).

Vertex attributes of every pass: world position, unit normal, metric UV (v up), instance id.
Per-instance flags come from a float texture (``flags``): 0 drawn, 2 cut away above
``cut_height`` (hidden instances are never submitted). Cut-away is a clip distance, not a discard.
"""

from __future__ import annotations

MAX_LIGHTS = 16
MAX_SHADOWED = 4

VERTEX = """
#version 330
invariant gl_Position;
uniform mat4 view_proj;
uniform mat4 view;
uniform sampler2D flags;
uniform float cut_height;
in vec3 in_pos;
in vec3 in_normal;
in vec2 in_uv;
in int in_inst;
out vec3 v_pos;
out vec3 v_normal;
out vec2 v_uv;
out float v_depth;
flat out int v_inst;
void main() {
    v_pos = in_pos;
    v_normal = in_normal;
    v_uv = in_uv;
    v_inst = in_inst;
    vec4 eye = view * vec4(in_pos, 1.0);
    v_depth = -eye.z;
    float flag = texelFetch(flags, ivec2(in_inst, 0), 0).r;
    gl_ClipDistance[0] = flag > 1.5 ? cut_height - in_pos.z : 1.0;
    gl_Position = view_proj * vec4(in_pos, 1.0);
}
"""

#: ground truth: exact, unlit. out0 = (camera-axis depth, instance id), out1 = (world normal, 1), out2 = albedo
GROUND_TRUTH = """
#version 330
uniform sampler2D albedo_map;
uniform int textured;
uniform int want_albedo;
uniform vec4 base_color;
uniform vec3 cam_pos;
uniform vec3 cam_fwd;
uniform int ortho;
in vec3 v_pos;
in vec3 v_normal;
in vec2 v_uv;
in float v_depth;
flat in int v_inst;
layout(location = 0) out vec4 out_ids;
layout(location = 1) out vec4 out_normal;
layout(location = 2) out vec4 out_albedo;
void main() {
    out_ids = vec4(v_depth, float(v_inst), 0.0, 1.0);
    vec3 n = normalize(v_normal);
    vec3 to_cam = ortho == 1 ? -cam_fwd : normalize(cam_pos - v_pos);
    if (dot(n, to_cam) < 0.0) n = -n;
    out_normal = vec4(n, 1.0);
    vec3 c = base_color.rgb;
    if (textured == 1 && want_albedo == 1) c = pow(texture(albedo_map, vec2(v_uv.x, -v_uv.y)).rgb, vec3(2.2));
    out_albedo = vec4(pow(clamp(c, 0.0, 1.0), vec3(1.0 / 2.2)), 1.0);
}
"""

SHADOW_VERTEX = """
#version 330
invariant gl_Position;
invariant gl_Position;
uniform mat4 view_proj;
uniform sampler2D flags;
uniform float cut_height;
in vec3 in_pos;
in int in_inst;
out vec3 v_pos;
void main() {
    v_pos = in_pos;
    float flag = texelFetch(flags, ivec2(in_inst, 0), 0).r;
    gl_ClipDistance[0] = flag > 1.5 ? cut_height - in_pos.z : 1.0;
    gl_Position = view_proj * vec4(in_pos, 1.0);
}
"""

#: depth pre-pass: the shading pass then runs once per visible fragment (early depth test, EQUAL)
DEPTH_ONLY = """
#version 330
out vec4 out_color;
void main() { out_color = vec4(0.0); }
"""

SHADOW = """
#version 330
uniform vec3 light_pos;
in vec3 v_pos;
out float out_dist;
void main() { out_dist = length(v_pos - light_pos); }
"""

SHADE = """
#version 330
#define MAX_LIGHTS %(max_lights)d
#define PI 3.14159265
uniform vec4 base_color;
uniform float metallic;
uniform float roughness;
uniform vec3 emission;
uniform int textured;
uniform sampler2D albedo_map;
uniform sampler2D rough_map;
uniform sampler2D normal_map;
uniform sampler2D shadow_atlas;
uniform int shadow_rows;
uniform float shadow_texel;
uniform vec3 cam_pos;
uniform vec3 cam_fwd;
uniform int ortho;
uniform int n_lights;
uniform vec4 l_pos[MAX_LIGHTS];    // xyz, kind (0 point, 1 spot, 2 area)
uniform vec4 l_dir[MAX_LIGHTS];    // xyz, cos(outer half angle)
uniform vec4 l_col[MAX_LIGHTS];    // rgb * candela, shadow row (-1: none)
uniform vec4 l_extra[MAX_LIGHTS];  // cos(inner half angle), area (m^2), source radius, 0
uniform vec3 ambient_sky;
uniform vec3 ambient_ground;
uniform float exposure;
uniform float emission_scale;
in vec3 v_pos;
in vec3 v_normal;
in vec2 v_uv;
in float v_depth;
flat in int v_inst;
out vec4 out_color;

const vec3 FACE_F[6] = vec3[6](vec3(1,0,0), vec3(-1,0,0), vec3(0,1,0), vec3(0,-1,0), vec3(0,0,1), vec3(0,0,-1));
const vec3 FACE_U[6] = vec3[6](vec3(0,0,1), vec3(0,0,1), vec3(0,0,1), vec3(0,0,1), vec3(0,1,0), vec3(0,1,0));
const vec2 TAPS[4] = vec2[4](vec2(-0.7, -0.3), vec2(0.3, -0.7), vec2(0.7, 0.3), vec2(-0.3, 0.7));

float shadow_factor(int row, vec3 p, vec3 lp, float radius) {
    vec3 d = p - lp;
    vec3 ad = abs(d);
    int face;
    float best;
    if (ad.x >= ad.y && ad.x >= ad.z) { face = d.x >= 0.0 ? 0 : 1; best = ad.x; }
    else if (ad.y >= ad.z) { face = d.y >= 0.0 ? 2 : 3; best = ad.y; }
    else { face = d.z >= 0.0 ? 4 : 5; best = ad.z; }
    vec3 F = FACE_F[face];
    vec3 U = FACE_U[face];
    vec3 R = cross(F, U);
    vec2 st0 = vec2(dot(d, R), dot(d, U)) / best * 0.5 + 0.5;
    float dist = length(d);
    float bias = 0.015 + 0.01 * dist;
    // penumbra grows with the distance from the light (a light of finite size)
    float spread = clamp(radius * 60.0 / max(dist, 0.05), 1.0, 5.0) * shadow_texel;
    vec2 lo = vec2(0.5 * shadow_texel);
    vec2 hi = vec2(1.0 - 0.5 * shadow_texel);
    float lit = 0.0;
    for (int i = 0; i < 4; i++) {
        vec2 st = clamp(st0 + TAPS[i] * spread, lo, hi);
        vec2 uv = vec2((float(face) + st.x) / 6.0, (float(row) + st.y) / float(shadow_rows));
        lit += texture(shadow_atlas, uv).r + bias >= dist ? 1.0 : 0.0;
    }
    return lit * 0.25;
}

vec3 linear_to_srgb(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    return mix(12.92 * c, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}

vec3 aces(vec3 x) {
    x = max(x, 0.0);
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

void main() {
    vec4 base = base_color;
    float rough = roughness;
    vec3 n = normalize(v_normal);
    vec3 to_cam = ortho == 1 ? -cam_fwd : normalize(cam_pos - v_pos);
    if (dot(n, to_cam) < 0.0) n = -n;
    if (textured == 1) {
        vec2 uv = vec2(v_uv.x, -v_uv.y);
        base.rgb = pow(texture(albedo_map, uv).rgb, vec3(2.2));
        rough = texture(rough_map, uv).r;
        // tangent frame from screen-space derivatives (no tangent attribute needed)
        vec3 dp1 = dFdx(v_pos);
        vec3 dp2 = dFdy(v_pos);
        vec2 duv1 = dFdx(v_uv);
        vec2 duv2 = dFdy(v_uv);
        vec3 dp2perp = cross(dp2, n);
        vec3 dp1perp = cross(n, dp1);
        vec3 T = dp2perp * duv1.x + dp1perp * duv2.x;
        vec3 B = dp2perp * duv1.y + dp1perp * duv2.y;
        float invmax = inversesqrt(max(max(dot(T, T), dot(B, B)), 1e-20));
        vec3 tn = texture(normal_map, uv).xyz * 2.0 - 1.0;
        vec3 pn = normalize(T * invmax * tn.x + B * invmax * tn.y + n * max(tn.z, 0.05));
        if (all(equal(pn, pn))) n = pn;
    }
    rough = clamp(rough, 0.04, 1.0);
    float a = rough * rough;
    float a2 = a * a;
    vec3 V = to_cam;
    float NV = max(dot(n, V), 1e-4);
    vec3 F0 = mix(vec3(0.04), base.rgb, metallic);
    vec3 diffuse = base.rgb * (1.0 - metallic) / PI;
    vec3 acc = vec3(0.0);
    for (int i = 0; i < n_lights; i++) {
        vec3 Lv = l_pos[i].xyz - v_pos;
        float d2 = dot(Lv, Lv);
        float dist = sqrt(d2);
        vec3 L = Lv / max(dist, 1e-6);
        float NL = dot(n, L);
        if (NL <= 0.0) continue;
        float kind = l_pos[i].w;
        float cd = 1.0;
        if (kind > 0.5) {
            float c = dot(-L, l_dir[i].xyz);
            if (kind < 1.5) cd = smoothstep(l_dir[i].w, l_extra[i].x, c);
            else cd = max(c, 0.0);
            if (cd <= 0.0) continue;
        }
        // finite source size: no singular hot spot next to a light or a window
        float E = cd * NL / (d2 + 0.5 * l_extra[i].y + 0.01);
        float row = l_col[i].w;
        if (row >= 0.0) {
            E *= shadow_factor(int(row), v_pos + n * 0.01, l_pos[i].xyz, l_extra[i].z);
            if (E <= 0.0) continue;
        }
        vec3 H = normalize(L + V);
        float NH = max(dot(n, H), 0.0);
        float VH = max(dot(V, H), 0.0);
        float D = a2 / (PI * pow(NH * NH * (a2 - 1.0) + 1.0, 2.0));
        float k = (rough + 1.0) * (rough + 1.0) / 8.0;
        float G = (NV / (NV * (1.0 - k) + k)) * (NL / (NL * (1.0 - k) + k));
        vec3 F = F0 + (1.0 - F0) * pow(1.0 - VH, 5.0);
        vec3 spec = D * G * F / max(4.0 * NV * NL, 1e-4);
        acc += ((1.0 - F) * diffuse + spec) * l_col[i].rgb * E;
    }
    // indirect light (irradiance, lux): a hemisphere between the ceiling's and the floor's bounce colours
    vec3 amb = mix(ambient_ground, ambient_sky, n.z * 0.5 + 0.5);
    vec3 Fa = F0 + (max(vec3(1.0 - rough), F0) - F0) * pow(1.0 - NV, 5.0);
    acc += (1.0 - Fa) * diffuse * amb + Fa * amb / PI * (1.0 - 0.7 * rough);
    vec3 color = aces(acc * exposure + emission * emission_scale);
    out_color = vec4(linear_to_srgb(color), base.a);
}
""" % {"max_lights": MAX_LIGHTS}

#: a full-screen triangle from gl_VertexID (no vertex buffer)
FULLSCREEN_VERTEX = """
#version 330
out vec2 v_uv;
void main() {
    vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
    v_uv = p;
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
"""

#: edge anti-aliasing on the display image (the FXAA idea: blend along the local luma edge)
EDGE_AA = """
#version 330
uniform sampler2D image;
uniform vec2 texel;
in vec2 v_uv;
out vec4 out_color;
float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }
void main() {
    vec3 m = texture(image, v_uv).rgb;
    vec3 nw = texture(image, v_uv + vec2(-1.0, -1.0) * texel).rgb;
    vec3 ne = texture(image, v_uv + vec2(1.0, -1.0) * texel).rgb;
    vec3 sw = texture(image, v_uv + vec2(-1.0, 1.0) * texel).rgb;
    vec3 se = texture(image, v_uv + vec2(1.0, 1.0) * texel).rgb;
    float lm = luma(m), lnw = luma(nw), lne = luma(ne), lsw = luma(sw), lse = luma(se);
    float lo = min(lm, min(min(lnw, lne), min(lsw, lse)));
    float hi = max(lm, max(max(lnw, lne), max(lsw, lse)));
    if (hi - lo < max(0.04, hi * 0.1)) { out_color = vec4(m, 1.0); return; }
    vec2 dir = vec2((lsw + lse) - (lnw + lne), (lnw + lsw) - (lne + lse));
    float reduce = max((lnw + lne + lsw + lse) * 0.03125, 1.0 / 128.0);
    float scale = 1.0 / (min(abs(dir.x), abs(dir.y)) + reduce);
    dir = clamp(dir * scale, vec2(-6.0), vec2(6.0)) * texel;
    vec3 a = 0.5 * (texture(image, v_uv - dir / 6.0).rgb + texture(image, v_uv + dir / 6.0).rgb);
    vec3 b = 0.5 * a + 0.25 * (texture(image, v_uv - dir * 0.5).rgb + texture(image, v_uv + dir * 0.5).rgb);
    float lb = luma(b);
    out_color = vec4((lb < lo || lb > hi) ? a : b, 1.0);
}
"""
