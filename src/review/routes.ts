/** Every review route starts with this (the paths are spelled out in full in each controller). */
export const API_PREFIX = 'api';
